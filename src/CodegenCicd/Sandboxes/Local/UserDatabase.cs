using System.Globalization;

namespace CodegenCicd.Sandboxes.Local;

/// <summary>
/// /etc/passwd and /etc/group as sandboxes see them: the host's system accounts plus a "sandbox"
/// user for <c>Sandbox:UserId</c>, so tools that look up their user name (Node's os.userInfo,
/// whoami, git) work. Written once under Sandbox:Root and mounted read-only.
/// </summary>
internal sealed record UserDatabase(string PasswdPath, string GroupPath)
{
    private static readonly Lock Gate = new();

    public static UserDatabase Ensure(string root, int userId)
    {
        var folder = Path.Combine(root, "etc", userId.ToString(CultureInfo.InvariantCulture));
        var database = new UserDatabase(Path.Combine(folder, "passwd"), Path.Combine(folder, "group"));
        lock (Gate)
        {
            if (File.Exists(database.PasswdPath) && File.Exists(database.GroupPath))
            {
                return database;
            }
            Directory.CreateDirectory(folder);
            var id = userId.ToString(CultureInfo.InvariantCulture);
            // Only accounts below 1000 (system users) are copied: the host's people stay out of view.
            Write(database.PasswdPath, "/etc/passwd", $"sandbox:x:{id}:{id}:sandbox:/tmp:/bin/sh", id);
            Write(database.GroupPath, "/etc/group", $"sandbox:x:{id}:", id);
            return database;
        }
    }

    private static void Write(string target, string host, string entry, string id)
    {
        var lines = File.Exists(host) ? File.ReadAllLines(host) : [];
        var kept = lines.Where(l => l.Split(':') is [_, _, var uid, ..] && int.TryParse(uid, out var n) && n < 1000 && uid != id);
        var temp = target + ".tmp";
        File.WriteAllLines(temp, [.. kept, entry]);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
        File.Move(temp, target, overwrite: true);
    }
}
