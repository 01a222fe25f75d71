using CodegenCicd.Projects;

namespace CodegenCicd.Sandboxes.Analysis;

/// <summary>
/// Runs <c>analysis.commands</c> in a sandbox over the PR's files (after setup, when given) with
/// <c>$REPORTS</c> pointing at a folder in the workspace; SARIF and ESLint JSON found there become annotations.
/// </summary>
internal sealed class SandboxAnalysis(WorkspacePreparer preparer, TimeProvider time)
{
    public const string ReportsFolder = ".codegencicd-reports";
    private const int MaxAnnotations = 1000;

    public async Task<AnalysisResult> RunAsync(SandboxSource source, AnalysisConfig config, IReadOnlyList<string> setup,
        CancellationToken cancellationToken)
    {
        if (config.Commands.Count == 0)
        {
            return new(true, [], []);
        }
        var deadline = time.GetUtcNow() + TimeSpan.FromHours(1);
        var prepared = await preparer.PrepareAsync(source, "analysis", setup, deadline, time, cancellationToken);
        if (!prepared.Succeeded)
        {
            return new(false, prepared.Commands, [], prepared.InfrastructureError, prepared.Error);
        }
        await using var sandbox = prepared.Sandbox!;
        var reports = $"{sandbox.WorkspaceMountPath}/{ReportsFolder}";
        var environment = new Dictionary<string, string>(source.Secrets) { ["REPORTS"] = reports };
        var commands = prepared.Commands.ToList();
        await sandbox.ExecuteAsync($"mkdir -p {ReportsFolder}", new ExecuteOptions(TimeSpan.FromSeconds(30)),
            cancellationToken);
        foreach (var command in config.Commands)
        {
            var result = await sandbox.ExecuteAsync(command,
                new ExecuteOptions(preparer.Remaining(deadline, time), Environment: environment), cancellationToken);
            commands.Add(result.ToCommandResult());
        }

        var masker = new SecretMasker(source.Secrets.Values);
        var annotations = new List<CodeAnnotation>();
        var problems = new List<string>();
        foreach (var file in sandbox.ListFiles(ReportsFolder)
            .Where(f => f.EndsWith(".sarif", StringComparison.OrdinalIgnoreCase)
                || f.EndsWith(".json", StringComparison.OrdinalIgnoreCase)))
        {
            byte[]? content;
            try
            {
                content = await sandbox.DownloadFileAsync(file, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or ArgumentException)
            {
                // A report the sandbox made oversized, a link or a FIFO is skipped and said, not read.
                problems.Add(ex.Message);
                continue;
            }
            if (content is null)
            {
                continue;
            }
            annotations.AddRange(ReportParser
                .Parse(Path.GetFileName(file), content, sandbox.WorkspaceMountPath, out var problem)
                .Select(a => a with { Message = masker.Apply(a.Message) }));
            if (problem is not null)
            {
                problems.Add(problem);
            }
        }
        var failed = commands.Where(c => c.ExitCode != 0 || c.TimedOut).Select(c => c.Command).ToList();
        var errors = annotations.Count(a => a.Level == AnnotationLevel.Failure);
        var succeeded = failed.Count == 0 && errors == 0;
        var summary = succeeded ? null : string.Join("; ", new[]
        {
            failed.Count > 0 ? $"failed: {string.Join(", ", failed)}" : null,
            errors > 0 ? $"{errors} error annotation(s)" : null,
        }.Concat(problems).Where(s => s is not null));
        return new(succeeded, commands, annotations.Take(MaxAnnotations).ToList(),
            Error: summary ?? (problems.Count > 0 ? string.Join("; ", problems) : null));
    }
}
