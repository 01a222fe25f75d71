namespace CodegenCicd.Accounts;

/// <summary>
/// Which repository a project is: access is decided by repository permission, projects are named by id.
/// Projects/ answers it (<c>ProjectDirectory</c>); accounts sit below the features that check access.
/// </summary>
public interface IProjectRepositories
{
    Task<string?> RepositoryOfAsync(int projectId, CancellationToken cancellationToken);

    /// <summary>Every project (pinned or not, history included), id to repository.</summary>
    Task<IReadOnlyDictionary<int, string>> AllAsync(CancellationToken cancellationToken);
}
