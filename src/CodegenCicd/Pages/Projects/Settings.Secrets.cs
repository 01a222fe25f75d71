using CodegenCicd.Audit;
using CodegenCicd.Projects;
using Microsoft.AspNetCore.Mvc;

namespace CodegenCicd.Pages.Projects;

/// <summary>
/// The Secrets tab: add one, import a pasted .env file, remove. Values are never rendered back once saved.
/// </summary>
public sealed partial class SettingsModel
{
    [BindProperty]
    public string? SecretName { get; set; }

    /// <summary>Echoed into the form only when the save failed, so nothing typed is lost; never after saving.</summary>
    [BindProperty]
    public string? SecretValue { get; set; }

    [BindProperty]
    public bool ReplaceExisting { get; set; }

    [BindProperty]
    public string? EnvText { get; set; }

    public IReadOnlyList<DotEnvError> ImportErrors { get; private set; } = [];

    public async Task<IActionResult> OnPostAddSecretAsync(int id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }
        Tab = "secrets";
        var name = SecretName?.Trim() ?? "";
        SecretError = ProjectSecrets.ValidateName(name)
            ?? ProjectSecrets.ValidateValue(SecretValue)
            ?? (!ReplaceExisting && await secrets.ExistsAsync(id, name, cancellationToken)
                ? $"{name} is already set. Tick “Replace the existing value” to overwrite it." : null);
        if (SecretError is not null)
        {
            Form = SettingsForm.From(Project);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        await secrets.SetAsync(id, name, SecretValue!, cancellationToken);
        await RecordAsync(AuditActions.SecretSet, id, $"secret {name}", cancellationToken);
        Message = $"Secret {name} saved.";
        return RedirectToPage(new { id, tab = "secrets" });
    }

    public async Task<IActionResult> OnPostImportSecretsAsync(int id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }
        Tab = "secrets";
        var parsed = DotEnvParser.Parse(EnvText ?? "");
        ImportErrors = parsed.Errors;
        if (parsed.Errors.Count == 0 && parsed.Variables.Count == 0)
        {
            SecretError = "Nothing to import: paste lines like NAME=value.";
        }
        if (SecretError is not null || ImportErrors.Count > 0)
        {
            Form = SettingsForm.From(Project);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        await secrets.SetManyAsync(id, parsed.Variables, cancellationToken);
        await RecordAsync(AuditActions.SecretSet, id,
            "secrets " + string.Join(", ", parsed.Variables.Select(v => v.Key)), cancellationToken);
        Message = $"Imported {parsed.Variables.Count} secret{(parsed.Variables.Count == 1 ? "" : "s")}: "
            + $"{string.Join(", ", parsed.Variables.Select(v => v.Key))}.";
        return RedirectToPage(new { id, tab = "secrets" });
    }

    public async Task<IActionResult> OnPostRemoveSecretAsync(int id, string name, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }
        var removed = await secrets.RemoveAsync(id, name, cancellationToken);
        if (removed)
        {
            await RecordAsync(AuditActions.SecretRemove, id, $"secret {name}", cancellationToken);
        }
        Message = removed ? $"Secret {name} removed." : $"{name} was already gone.";
        return RedirectToPage(new { id, tab = "secrets" });
    }
}
