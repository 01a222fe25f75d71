using CodegenCicd.Accounts;
using CodegenCicd.Data;

namespace CodegenCicd.Audit;

/// <summary>
/// What another feature tells the audit log; the actor is whoever
/// is signed in unless given (a GitHub sender, the App itself).
/// </summary>
public sealed record AuditRecord(
    string Action, int? ProjectId, string? Target, string? Details = null, string? Actor = null);

/// <summary>Records changes; the only way other features reach the audit table.</summary>
public interface IAuditLog
{
    Task RecordAsync(AuditRecord record, CancellationToken cancellationToken);
}

internal sealed class AuditLog(AppDbContext db, IHttpContextAccessor http, TimeProvider time) : IAuditLog
{
    public async Task RecordAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        var actor = record.Actor ?? http.HttpContext?.User.ActorName() ?? "system";
        db.Add(new AuditEntry
        {
            At = time.GetUtcNow(),
            Actor = Clip(actor, 100),
            Action = record.Action,
            ProjectId = record.ProjectId,
            Target = record.Target is null ? null : Clip(record.Target, 200),
            Details = record.Details is null ? null : Clip(record.Details, 1000),
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    private static string Clip(string value, int max) => value.Length > max ? value[..(max - 1)] + "…" : value;
}
