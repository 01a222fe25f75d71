namespace CodegenCicd.Hosting.Api;

/// <summary>
/// The name of the authorization policy that admits the admin. Accounts/ defines what it requires;
/// every feature that maps admin-only endpoints (the job dashboard included) names it from here.
/// </summary>
public static class AdminPolicy
{
    public const string Name = "Admin";
}
