using System.Text.Json.Nodes;

namespace CodegenCicd.WebEval.Agent;

/// <summary>The browser actions offered to Gemini as function declarations (OpenAPI-subset schemas).</summary>
internal static class BrowserTools
{
    public const string Done = "done";

    private static JsonObject Target(string verb) => new()
    {
        ["ref"] = Str($"The element to {verb}: a ref from the accessibility snapshot, e.g. e12 (preferred)."),
        ["selector"] = Str("Alternatively a Playwright selector: CSS, text=Sign up, or role=button[name=\"Save\"]."),
    };

    private static JsonObject Str(string description) => new() { ["type"] = "string", ["description"] = description };

    private static JsonObject Declaration(string name, string description, JsonObject properties,
        params string[] required) => new()
    {
        ["name"] = name,
        ["description"] = description,
        ["parameters"] = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = properties,
            ["required"] = new JsonArray([.. required.Select(r => (JsonNode)r)]),
        },
    };

    public static JsonArray Declarations() =>
    [
        Declaration("navigate", "Open a URL of the app under test (absolute, or relative to the current page).",
            new JsonObject { ["url"] = Str("The URL or path to open.") }, "url"),
        Declaration("click", "Click an element.", Target("click")),
        Declaration("type", "Replace the text of an input or textarea, optionally pressing Enter afterwards.",
            WithTarget(Target("type into"), new()
            {
                ["text"] = Str("The text to enter."),
                ["submit"] = new JsonObject { ["type"] = "boolean", ["description"] = "Press Enter after typing." },
            }), "text"),
        Declaration("select", "Choose an option of a <select> element by its value or label.",
            WithTarget(Target("change"), new() { ["value"] = Str("The option's value or visible label.") }), "value"),
        Declaration("scroll", "Scroll the page by one screen.",
            new JsonObject
            {
                ["direction"] = new JsonObject
                {
                    ["type"] = "string", ["enum"] = new JsonArray("up", "down"),
                    ["description"] = "Which way to scroll.",
                },
            }, "direction"),
        Declaration("wait", "Wait for a text to appear on the page, or for a number of seconds (at most 10).",
            new JsonObject
            {
                ["text"] = Str("Text to wait for."),
                ["seconds"] = new JsonObject { ["type"] = "number", ["description"] = "Seconds to wait, 1–10." },
            }),
        Declaration(Done, "Finish: report whether the task could be completed in the app, with the evidence.",
            new JsonObject
            {
                ["passed"] = new JsonObject
                {
                    ["type"] = "boolean", ["description"] = "True when the task worked as described."
                },
                ["reason"] = Str("What you observed that supports the verdict; name any error you saw."),
            }, "passed", "reason"),
    ];

    private static JsonObject WithTarget(JsonObject target, JsonObject more)
    {
        foreach (var (key, value) in more)
        {
            target[key] = value?.DeepClone();
        }
        return target;
    }

    public static string Instructions(string task, Uri startUrl) => $"""
        You are testing a web application in a real browser, like a careful QA engineer.
        Task: {task}

        The app runs at {startUrl}. Stay on that origin. After each action you get the page's
        accessibility snapshot (elements carry refs like [ref=e5]; pass them as "ref") and a screenshot.
        Call exactly one function per turn. When the task is done, or clearly cannot be done
        because the app misbehaves, call "done" with passed=true/false and the evidence as reason.
        """;
}
