using CodegenCicd.Projects;
using CodegenCicd.Sandboxes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CodegenCicd.Pages.Projects;

/// <summary>
/// The project settings dialog. General, Deploy, Merge and Web eval are one form saved all or nothing;
/// Secrets have their own forms because their values are write-only.
/// </summary>
public sealed partial class SettingsModel(
    ProjectCatalog catalog, ProjectSecrets secrets, IServiceProvider services, TimeProvider time) : PageModel
{
    public static readonly IReadOnlyList<(string Id, string Label)> Tabs =
        [
            ("general", "General"), ("deploy", "Deploy"), ("secrets", "Secrets"), ("merge", "Merge"),
            ("webeval", "Web eval")
        ];

    public Project Project { get; private set; } = null!;

    [BindProperty]
    public SettingsForm Form { get; set; } = new();

    public IReadOnlyList<SecretInfo> Secrets { get; private set; } = [];

    /// <summary>
    /// The open tab. Nullable on purpose: a non-nullable string is implicitly required, so opening the
    /// dialog without <c>?tab=</c> (the project card's link) would be a model error on a GET.
    /// </summary>
    [BindProperty(SupportsGet = true)]
    public string? Tab { get; set; } = "general";

    /// <summary>Set only by a refused save, so a GET can never show "Nothing was saved".</summary>
    public bool SaveRefused { get; private set; }

    [TempData]
    public string? Message { get; set; }

    public string? SecretError { get; private set; }

    /// <summary>"Set 2 min ago" is measured from here.</summary>
    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>The Local provider needs bubblewrap; without it "Run now" can only report why.</summary>
    public bool SandboxAvailable => CodegenCicd.Sandboxes.Local.BubblewrapLauncher.FindBubblewrap() is not null;

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }
        Form = SettingsForm.From(Project);
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(int id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }
        // Fields the binder could not read (a number typed as text) are already in ModelState, next to their field.
        var settings = Form.ToSettings();
        foreach (var (key, messages) in SettingsValidator.Validate(settings, Form.DefaultBranch))
        {
            var field = SettingsForm.Fields.TryGetValue(key, out var f) ? f.Field : key;
            foreach (var message in messages)
            {
                ModelState.AddModelError($"{nameof(Form)}.{field}", message);
            }
        }
        if (!ModelState.IsValid)
        {
            var firstBad = SettingsForm.Fields.Values
                .FirstOrDefault(f => ModelState[$"{nameof(Form)}.{f.Field}"]?.Errors.Count > 0);
            Tab = firstBad.Tab ?? Tab;
            SaveRefused = true;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        await catalog.SaveSettingsAsync(id, Form.DefaultBranch, settings, cancellationToken);
        await RecordAsync(CodegenCicd.Audit.AuditActions.SettingsChange, id, Project.FullName, cancellationToken);
        Message = "Settings saved.";
        return RedirectToPage(new { id, tab = Tab });
    }

    private async Task<bool> LoadAsync(int id, CancellationToken cancellationToken)
    {
        if (await catalog.FindPinnedAsync(id, cancellationToken) is not { } project)
        {
            return false;
        }
        Project = project;
        Secrets = await secrets.ListAsync(id, cancellationToken);
        if (!Tabs.Any(t => t.Id == Tab))
        {
            Tab = "general";
        }
        return true;
    }
}
