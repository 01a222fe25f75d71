using System.Globalization;
using CodegenCicd.Sandboxes.Isolation;

namespace CodegenCicd.Sandboxes.Local;

/// <summary>
/// The /etc files sandboxes get instead of the host's: passwd and group with the host's system
/// accounts plus a "sandbox" user for the uid commands run as (so Node's os.userInfo, whoami and
/// git work), a hosts file that names only the sandbox, and a resolv.conf pointing at
/// slirp4netns's resolver (the host's may be a loopback resolver no sandbox can reach).
/// Written once under Sandbox:Root and mounted read-only.
/// </summary>
internal sealed record UserDatabase(string PasswdPath, string GroupPath, string HostsPath, string ResolvConfPath)
{
    private static readonly Lock Gate = new();

    public static UserDatabase Ensure(string root, int userId)
    {
        var folder = Path.Combine(root, "etc", userId.ToString(CultureInfo.InvariantCulture));
        var database = new UserDatabase(Path.Combine(folder, "passwd"), Path.Combine(folder, "group"),
            Path.Combine(folder, "hosts"), Path.Combine(folder, "resolv.conf"));
        lock (Gate)
        {
            if (File.Exists(database.ResolvConfPath))
            {
                return database;
            }
            Directory.CreateDirectory(folder);
            var id = userId.ToString(CultureInfo.InvariantCulture);
            // Only accounts below 1000 (system users) are copied: the host's people stay out of view.
            Write(database.PasswdPath,
                SystemAccounts("/etc/passwd", id).Append($"sandbox:x:{id}:{id}:sandbox:/tmp:/bin/sh"));
            Write(database.GroupPath, SystemAccounts("/etc/group", id).Append($"sandbox:x:{id}:"));
            Write(database.HostsPath, ["127.0.0.1 localhost sandbox", "::1 localhost ip6-localhost ip6-loopback"]);
            Write(database.ResolvConfPath, [$"nameserver {SandboxNetwork.Nameserver}", "options timeout:2 attempts:2"]);
            return database;
        }
    }

    private static IEnumerable<string> SystemAccounts(string host, string id) =>
        (File.Exists(host) ? File.ReadAllLines(host) : [])
            .Where(l => l.Split(':') is [_, _, var uid, ..] && int.TryParse(uid, out var n) && n < 1000 && uid != id);

    private static void Write(string target, IEnumerable<string> lines)
    {
        var temp = target + ".tmp";
        File.WriteAllLines(temp, lines);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp,
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
        File.Move(temp, target, overwrite: true);
    }
}
