using System.ComponentModel.DataAnnotations;
using CodegenCicd.Hosting.Configuration;

namespace CodegenCicd.WebEval;

public sealed class BrowserOptions : IConfigSection, IValidatableObject
{
    public static string SectionName => "Browser";

    /// <summary>Chromium used by web evaluation; found on PATH when empty.</summary>
    public string? ExecutablePath { get; set; }

    /// <summary>How long one page may take to load (the <c>load</c> event) before it counts as hanging.</summary>
    [Range(1, 600, ErrorMessage = "Browser:NavigationTimeoutSeconds must be between 1 and 600")]
    public int NavigationTimeoutSeconds { get; set; } = 30;

    /// <summary>Budget for one whole evaluation (all pages plus the AI-driven task).</summary>
    [Range(10, 7200, ErrorMessage = "Browser:EvaluationTimeoutSeconds must be between 10 and 7200")]
    public int EvaluationTimeoutSeconds { get; set; } = 600;

    /// <summary>Evaluations running at once; each holds a browser context (Chromium is heavy on 2 cores).</summary>
    [Range(1, 64, ErrorMessage = "Browser:MaxConcurrentEvaluations must be between 1 and 64")]
    public int MaxConcurrentEvaluations { get; set; } = 2;

    /// <summary>Upper bound on pages checked per evaluation, configured plus followed links.</summary>
    [Range(1, 500, ErrorMessage = "Browser:MaxPages must be between 1 and 500")]
    public int MaxPages { get; set; } = 25;

    /// <summary>Where evaluations keep report.json and screenshots, one folder per report key.</summary>
    [Required(ErrorMessage = "Browser:ArtifactsRoot must not be empty")]
    public string ArtifactsRoot { get; set; } = "data/artifacts";

    /// <summary>
    /// When the app runs as root, Chromium runs as this uid so that it keeps its own sandbox (it refuses
    /// it as root). Not <c>Sandbox:UserId</c>: the process limit of sandboxes counts per uid, and a
    /// sandbox's processes must not be able to signal or starve Chromium's.
    /// </summary>
    [Range(1, int.MaxValue, ErrorMessage = "Browser:UserId must be a positive uid (not root)")]
    public int UserId { get; set; } = 65533;

    /// <summary>
    /// Start Chromium with <c>--no-sandbox</c> when its own sandbox cannot start here (no user namespaces,
    /// no setpriv). Off by default: a page that exploits the renderer would then run as Chromium's user.
    /// </summary>
    public bool AllowNoSandbox { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(ExecutablePath) && !File.Exists(ExecutablePath))
        {
            yield return new($"Browser:ExecutablePath: file '{ExecutablePath}' does not exist");
        }
    }

    /// <summary>The configured path, else the first of the usual Chromium names on PATH.</summary>
    public string? ResolveExecutable() =>
        !string.IsNullOrEmpty(ExecutablePath)
            ? ExecutablePath
            : ExecutableLocator.Find("chromium", "chromium-browser", "google-chrome");
}
