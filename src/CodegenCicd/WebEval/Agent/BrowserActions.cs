using System.Text.Json.Nodes;
using CodegenCicd.WebEval.Browser;
using Microsoft.Playwright;

namespace CodegenCicd.WebEval.Agent;

/// <summary>What happened when a call ran; <see cref="Problem"/> marks a call that could not run as given.</summary>
internal sealed record ActionOutcome(string Result, string? Problem = null)
{
    public static ActionOutcome Invalid(string problem) => new($"error: {problem}", problem);
}

/// <summary>Runs Gemini's function calls against the page. Failures of the page are results, not problems.</summary>
internal sealed class BrowserActions(IPage page, Uri origin, TimeSpan actionTimeout)
{
    public async Task<ActionOutcome> ExecuteAsync(FunctionCall call)
    {
        try
        {
            return call.Name switch
            {
                "navigate" => await NavigateAsync(call.Arguments),
                "click" => await OnTargetAsync(call.Arguments, t => t.ClickAsync(new() { Timeout = Ms }), "clicked"),
                "type" => await TypeAsync(call.Arguments),
                "select" => await SelectAsync(call.Arguments),
                "scroll" => await ScrollAsync(call.Arguments),
                "wait" => await WaitAsync(call.Arguments),
                _ => ActionOutcome.Invalid($"unknown function '{call.Name}'"),
            };
        }
        catch (TimeoutException ex)
        {
            return new ActionOutcome("error: " + BrowserHost.FirstLine(ex.Message));
        }
        catch (PlaywrightException ex) when (page.Context.Browser?.IsConnected != false)
        {
            return new ActionOutcome("error: " + BrowserHost.FirstLine(ex.Message));
        }
    }

    private float Ms => (float)actionTimeout.TotalMilliseconds;

    private async Task<ActionOutcome> NavigateAsync(JsonObject args)
    {
        if (String(args, "url") is not { Length: > 0 } url)
        {
            return ActionOutcome.Invalid("navigate needs a string 'url'");
        }
        // On an error page or about:blank, relative URLs are relative to the app.
        var current = Uri.TryCreate(page.Url, UriKind.Absolute, out var here) && here.Scheme is "http" or "https"
            ? here
            : origin;
        if (!Uri.TryCreate(current, url, out var target) || target.Scheme is not ("http" or "https"))
        {
            return ActionOutcome.Invalid($"'{url}' is not an http(s) URL");
        }
        if (Uri.Compare(target, origin, UriComponents.SchemeAndServer, UriFormat.Unescaped,
            StringComparison.OrdinalIgnoreCase) != 0)
        {
            return new ActionOutcome(
                $"refused: {target} is outside the app under test ({origin.GetLeftPart(UriPartial.Authority)})");
        }
        var response = await page.GotoAsync(target.AbsoluteUri,
            new() { Timeout = Ms, WaitUntil = WaitUntilState.Load });
        return new ActionOutcome($"opened {target} (HTTP "
            + $"{response?.Status.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no response"})");
    }

    private async Task<ActionOutcome> TypeAsync(JsonObject args)
    {
        if (String(args, "text") is not { } text)
        {
            return ActionOutcome.Invalid("type needs a string 'text'");
        }
        var submit = args["submit"] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
        return await OnTargetAsync(args, async target =>
        {
            await target.FillAsync(text, new() { Timeout = Ms });
            if (submit)
            {
                await target.PressAsync("Enter", new() { Timeout = Ms });
            }
        }, submit ? "typed and pressed Enter" : "typed");
    }

    private async Task<ActionOutcome> SelectAsync(JsonObject args)
    {
        if (String(args, "value") is not { } value)
        {
            return ActionOutcome.Invalid("select needs a string 'value'");
        }
        string? chosen = null;
        var outcome = await OnTargetAsync(args, async target =>
        {
            // Match by value or visible label first, so a wrong option is an answer, not a 10 s wait.
            chosen = await target.EvaluateAsync<string?>(
                "(select, wanted) => { const o = [...(select.options || [])]"
                + ".find(o => o.value === wanted || o.label === wanted || o.text.trim() === wanted); "
                + "return o ? o.value : null; }",
                value);
            if (chosen is not null)
            {
                await target.SelectOptionAsync(new SelectOptionValue { Value = chosen }, new() { Timeout = Ms });
            }
        }, $"selected {value}");
        return chosen is null && outcome.Problem is null
            ? new ActionOutcome($"error: the list has no option '{value}'")
            : outcome;
    }

    private async Task<ActionOutcome> ScrollAsync(JsonObject args)
    {
        var direction = String(args, "direction");
        if (direction is not ("up" or "down"))
        {
            return ActionOutcome.Invalid("scroll needs 'direction' up or down");
        }
        await page.Mouse.WheelAsync(0, direction == "down" ? 700 : -700);
        return new ActionOutcome($"scrolled {direction}");
    }

    private async Task<ActionOutcome> WaitAsync(JsonObject args)
    {
        if (String(args, "text") is { Length: > 0 } text)
        {
            await page.GetByText(text).First.WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = Ms });
            return new ActionOutcome($"\"{text}\" is visible");
        }
        if (args["seconds"] is JsonValue s && s.TryGetValue<double>(out var seconds) && seconds > 0)
        {
            var bounded = Math.Min(seconds, 10);
            await page.WaitForTimeoutAsync((float)(bounded * 1000));
            return new ActionOutcome($"waited {bounded:0.#} s");
        }
        return ActionOutcome.Invalid("wait needs 'text' or a positive number of 'seconds'");
    }

    private async Task<ActionOutcome> OnTargetAsync(JsonObject args, Func<ILocator, Task> act, string done)
    {
        ILocator target;
        if (String(args, "ref") is { Length: > 0 } reference)
        {
            target = page.Locator($"aria-ref={reference.Trim('[', ']').Replace("ref=", "", StringComparison.Ordinal)}");
        }
        else if (String(args, "selector") is { Length: > 0 } selector)
        {
            target = page.Locator(selector).First;
        }
        else
        {
            return ActionOutcome.Invalid("name the element with 'ref' (from the snapshot) or 'selector'");
        }
        await act(target);
        await SettleAsync();
        return new ActionOutcome(done);
    }

    /// <summary>An action may start a navigation; let it land before the next snapshot.</summary>
    private async Task SettleAsync()
    {
        try
        {
            await page.WaitForLoadStateAsync(LoadState.Load, new() { Timeout = Ms });
        }
        catch (TimeoutException)
        {
            // Still loading; the next snapshot shows what the user would see now.
        }
    }

    private static string? String(JsonObject args, string name) =>
        args[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
