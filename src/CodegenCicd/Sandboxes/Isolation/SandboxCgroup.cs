using System.Globalization;

namespace CodegenCicd.Sandboxes.Isolation;

/// <summary>One sandboxed command's cgroup: its processes join it before the command runs.</summary>
public sealed class SandboxCgroup(ResourceLimitMode mode, IReadOnlyList<string> folders, string oomFile) : IDisposable
{
    public void Add(int processId)
    {
        foreach (var folder in folders)
        {
            File.WriteAllText(Path.Combine(folder, "cgroup.procs"), processId.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Whether the kernel killed a process here for want of memory.</summary>
    public bool WasOutOfMemory()
    {
        try
        {
            var counter = File.ReadLines(oomFile).Select(l => l.Split(' ')).FirstOrDefault(p => p is ["oom_kill", _]);
            return counter is not null && long.Parse(counter[1], CultureInfo.InvariantCulture) > 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return false;
        }
    }

    /// <summary>Kills whatever is still in the group (a backstop: the PID namespace's end kills it too).</summary>
    public void KillAll()
    {
        if (mode == ResourceLimitMode.CgroupV2 && SandboxCgroups.TryWrite(Path.Combine(folders[0], "cgroup.kill"), "1"))
        {
            return;
        }
        foreach (var folder in folders)
        {
            foreach (var line in ReadProcs(folder))
            {
                try
                {
                    System.Diagnostics.Process.GetProcessById(line).Kill();
                }
                catch (Exception ex)
                    when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                }
            }
        }
    }

    public void Dispose()
    {
        foreach (var folder in folders)
        {
            TryRemove(folder);
        }
    }

    internal static void TryRemove(string folder)
    {
        // The processes of a killed namespace take a moment to be reaped (rmdir says EBUSY until
        // then); a group still busy after a second is left for the next start's clean-up.
        for (var attempt = 0; attempt < 50 && Directory.Exists(folder); attempt++)
        {
            try
            {
                Directory.Delete(folder);
            }
            catch (IOException)
            {
                Thread.Sleep(20);
            }
            catch (UnauthorizedAccessException)
            {
                return;
            }
        }
    }

    private static List<int> ReadProcs(string folder)
    {
        try
        {
            return File.ReadAllLines(Path.Combine(folder, "cgroup.procs"))
                .Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return [];
        }
    }
}
