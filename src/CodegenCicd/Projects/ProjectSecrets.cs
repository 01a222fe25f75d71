using System.Text.RegularExpressions;
using CodegenCicd.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Projects;

/// <summary>A secret as lists show it: its name and when it was set, never its value.</summary>
public sealed record SecretInfo(string Name, DateTimeOffset UpdatedAt);

/// <summary>
/// Stores, lists and decrypts a project's secrets. Values go in, names come out; only sandboxes get values.
/// </summary>
public sealed partial class ProjectSecrets(AppDbContext db, IDataProtectionProvider protection, TimeProvider time)
{
    public const int MaxNameLength = 128;
    public const int MaxValueLength = 32 * 1024;

    private readonly IDataProtector protector = protection.CreateProtector("CodegenCicd.Projects.Secrets.v1");

    /// <summary>Null when valid, else why not (shown next to the field).</summary>
    public static string? ValidateName(string? name) =>
        string.IsNullOrEmpty(name) ? "A secret needs a name."
        : name.Length > MaxNameLength ? $"A secret name is at most {MaxNameLength} characters."
        : !NamePattern().IsMatch(name)
            ? "A secret name is an environment variable name: letters, digits and _, not starting with a digit."
        : SetBySandbox.Contains(name)
            ? $"{name} is set by the sandbox for every command (PORT for the preview, REPORTS for analysis, "
                + "PATH and HOME for the tools); a secret of that name would be overwritten or break them. "
                + "Choose another name."
        : null;

    /// <summary>
    /// Variables the sandboxes set themselves (see PreviewDeployments, SandboxAnalysis, BubblewrapLauncher).
    /// </summary>
    private static readonly HashSet<string> SetBySandbox =
        new(StringComparer.Ordinal) { "PORT", "REPORTS", "PATH", "HOME" };

    public static string? ValidateValue(string? value) =>
        value is null ? "A secret needs a value."
        : value.Length > MaxValueLength ? $"A secret value is at most {MaxValueLength / 1024} KiB."
        : null;

    public async Task<IReadOnlyList<string>> ListNamesAsync(int projectId, CancellationToken cancellationToken) =>
        await db.Set<ProjectSecret>().AsNoTracking().Where(s => s.ProjectId == projectId)
            .OrderBy(s => s.Name).Select(s => s.Name).ToListAsync(cancellationToken);

    public async Task<IReadOnlyList<SecretInfo>> ListAsync(int projectId, CancellationToken cancellationToken)
    {
        var rows = await db.Set<ProjectSecret>().AsNoTracking().Where(s => s.ProjectId == projectId)
            .Select(s => new SecretInfo(s.Name, s.UpdatedAt)).ToListAsync(cancellationToken);
        return [.. rows.OrderBy(s => s.Name, StringComparer.Ordinal)];
    }

    public async Task<bool> ExistsAsync(int projectId, string name, CancellationToken cancellationToken) =>
        await db.Set<ProjectSecret>().AnyAsync(s => s.ProjectId == projectId && s.Name == name, cancellationToken);

    /// <summary>Sets many secrets in one save: all of them or, if anything is invalid, none.</summary>
    public async Task SetManyAsync(
        int projectId, IReadOnlyList<KeyValuePair<string, string>> values, CancellationToken cancellationToken)
    {
        if (values.Select(v => ValidateName(v.Key) ?? ValidateValue(v.Value))
            .FirstOrDefault(e => e is not null) is { } error)
        {
            throw new ArgumentException(error, nameof(values));
        }
        var names = values.Select(v => v.Key).ToList();
        var existing = await db.Set<ProjectSecret>().Where(s => s.ProjectId == projectId && names.Contains(s.Name))
            .ToDictionaryAsync(s => s.Name, StringComparer.Ordinal, cancellationToken);
        var now = time.GetUtcNow();
        foreach (var (name, value) in values)
        {
            if (!existing.TryGetValue(name, out var secret))
            {
                secret = new ProjectSecret { ProjectId = projectId, Name = name, ProtectedValue = "" };
                existing[name] = secret;
                db.Add(secret);
            }
            secret.ProtectedValue = protector.Protect(value);
            secret.UpdatedAt = now;
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task SetAsync(int projectId, string name, string value, CancellationToken cancellationToken)
    {
        if ((ValidateName(name) ?? ValidateValue(value)) is { } error)
        {
            throw new ArgumentException(error, nameof(name));
        }
        var secret = await db.Set<ProjectSecret>()
            .FirstOrDefaultAsync(s => s.ProjectId == projectId && s.Name == name, cancellationToken);
        if (secret is null)
        {
            secret = new ProjectSecret { ProjectId = projectId, Name = name, ProtectedValue = "" };
            db.Add(secret);
        }
        secret.ProtectedValue = protector.Protect(value);
        secret.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<bool> RemoveAsync(int projectId, string name, CancellationToken cancellationToken) =>
        await db.Set<ProjectSecret>().Where(s => s.ProjectId == projectId && s.Name == name)
            .ExecuteDeleteAsync(cancellationToken) > 0;

    /// <summary>Decrypted values, for injecting into a sandbox's environment (and for masking its output).</summary>
    public async Task<IReadOnlyDictionary<string, string>> GetValuesAsync(
        int projectId, CancellationToken cancellationToken)
    {
        var rows = await db.Set<ProjectSecret>().AsNoTracking().Where(s => s.ProjectId == projectId)
            .ToListAsync(cancellationToken);
        return rows.ToDictionary(s => s.Name, s => protector.Unprotect(s.ProtectedValue), StringComparer.Ordinal);
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex NamePattern();
}
