using CodegenCicd.Data;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Audit;

public sealed record AuditEntryDto(
    long Id, DateTimeOffset At, string Actor, string Action, int? ProjectId, string? Target, string? Details);

/// <summary>The newest entries first, optionally of one project, limited to the projects the reader may see.</summary>
public sealed class AuditQuery(AppDbContext db)
{
    public const int PageSize = 200;

    /// <param name="visibleProjects">
    /// null: every entry (an app-wide admin); else only entries of these projects.
    /// </param>
    public async Task<IReadOnlyList<AuditEntryDto>> ListAsync(
        int? projectId, IReadOnlySet<int>? visibleProjects, CancellationToken cancellationToken)
    {
        var query = db.Set<AuditEntry>().AsNoTracking();
        if (projectId is { } id)
        {
            query = query.Where(e => e.ProjectId == id);
        }
        if (visibleProjects is not null)
        {
            var ids = visibleProjects.ToList();
            query = query.Where(e => e.ProjectId != null && ids.Contains(e.ProjectId.Value));
        }
        // Ordered by id: DateTimeOffset does not order in SQL on SQLite, and ids grow with time.
        return await query.OrderByDescending(e => e.Id).Take(PageSize)
            .Select(e => new AuditEntryDto(e.Id, e.At, e.Actor, e.Action, e.ProjectId, e.Target, e.Details))
            .ToListAsync(cancellationToken);
    }
}
