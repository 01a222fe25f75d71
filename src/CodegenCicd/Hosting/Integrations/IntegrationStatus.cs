namespace CodegenCicd.Hosting.Integrations;

/// <summary>Whether one outside system is usable, and what to do when it is not.</summary>
public sealed record IntegrationStatus(string Name, bool Configured, string Detail, string HowToConfigure);

/// <summary>
/// Each feature registers one check per integration it owns; the home page and /api/status list them.
/// </summary>
public interface IIntegrationCheck
{
    ValueTask<IntegrationStatus> CheckAsync(CancellationToken cancellationToken);
}

public sealed class IntegrationStatusService(IEnumerable<IIntegrationCheck> checks)
{
    public async Task<IReadOnlyList<IntegrationStatus>> GetAllAsync(CancellationToken cancellationToken)
    {
        var results = new List<IntegrationStatus>();
        foreach (var check in checks)
        {
            results.Add(await check.CheckAsync(cancellationToken));
        }
        return results;
    }
}
