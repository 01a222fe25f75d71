using CodegenCicd.Sandboxes.Isolation;
using CodegenCicd.Tests.Infrastructure;

namespace CodegenCicd.Tests.Sandboxes;

/// <summary>
/// Start-up clean-up of sandbox cgroups when several processes share the parent (nodes on one machine,
/// <c>receive</c>, the test host's many apps): a group is empty between its creation and its command's
/// start, and taking it then made the other process's sandbox fail ("cgroup.procs" not found).
/// Run on a cgroup v1 layout in a temporary folder, where an empty group is an empty directory.
/// </summary>
public sealed class CgroupLeftoverTests : IDisposable
{
    private readonly string mount = Directory.CreateTempSubdirectory("codegencicd-cgroup-").FullName;

    [Fact]
    public void GroupsOfLiveProcesses_Stay_GroupsOfGoneOnesGo()
    {
        var selfCgroup = Path.Combine(mount, "self-cgroup");
        File.WriteAllLines(selfCgroup, ["4:memory:/", "3:pids:/", "2:cpu,cpuacct:/"]);
        foreach (var controller in new[] { "memory", "pids", "cpu" })
        {
            Directory.CreateDirectory(Path.Combine(mount, controller));
        }
        var cgroups = SandboxCgroups.Detect(selfCgroup, mount);
        Assert.Equal(ResourceLimitMode.CgroupV1, cgroups.Mode);
        var parent = Path.Combine(mount, "pids", "codegencicd-sandboxes");
        var ours = Directory.CreateDirectory(Path.Combine(parent, $"sandbox-{Environment.ProcessId}-fresh")).FullName;
        var anotherLiveProcess = Directory.CreateDirectory(Path.Combine(parent, "sandbox-1-fresh")).FullName;
        var gone = Directory.CreateDirectory(Path.Combine(parent, $"sandbox-{int.MaxValue}-left")).FullName;
        var fromAnOlderVersion = Directory.CreateDirectory(Path.Combine(parent, "0123456789abcdef")).FullName;

        SandboxCgroups.Detect(selfCgroup, mount).RemoveLeftovers();

        Assert.True(Directory.Exists(ours));
        Assert.True(Directory.Exists(anotherLiveProcess));
        Assert.False(Directory.Exists(gone));
        Assert.False(Directory.Exists(fromAnOlderVersion));
    }

    public void Dispose() => TempFolder.TryDelete(mount);
}
