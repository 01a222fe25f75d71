namespace CodegenCicd.Accounts;

/// <summary>
/// What a person may do with a project, from their permission on its repository on GitHub:
/// <c>pull</c> (or triage) sees it, <c>push</c> (or maintain) acts on its runs, <c>admin</c> changes it.
/// </summary>
public enum AccessLevel
{
    None = 0,
    Read = 1,
    Write = 2,
    Admin = 3,
}

public static class AccessLevels
{
    /// <summary>The GitHub permission name a level stands for, as the 403 reasons say it.</summary>
    public static string GitHubName(this AccessLevel level) => level switch
    {
        AccessLevel.Admin => "admin",
        AccessLevel.Write => "write (push)",
        AccessLevel.Read => "read (pull)",
        _ => "no",
    };
}
