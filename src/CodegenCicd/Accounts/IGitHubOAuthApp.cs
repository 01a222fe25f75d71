namespace CodegenCicd.Accounts;

/// <summary>
/// Where GitHub is and the OAuth client the App signs people in with. GitHub/ answers it
/// (<c>GitHub/Auth/GitHubOAuthApp.cs</c>): accounts sit below the GitHub feature, which uses them.
/// </summary>
public interface IGitHubOAuthApp
{
    /// <summary>
    /// GitHub's web address (<c>GitHub:WebUrl</c>), ending in a slash: authorize and token exchange live there.
    /// </summary>
    Uri WebBase { get; }

    /// <summary>The REST API's base (<c>GitHub:ApiUrl</c>).</summary>
    Uri ApiBase { get; }

    /// <summary>The OAuth client id and secret, or null when sign-in with GitHub is not possible.</summary>
    Task<(string Id, string Secret)?> ClientAsync(CancellationToken cancellationToken);
}
