using System.Runtime.InteropServices;

namespace CodegenCicd.Sandboxes.Isolation;

/// <summary>
/// The seccomp filter every sandboxed command runs under, compiled to classic BPF by libseccomp
/// (Debian's libseccomp2, the library systemd, Docker and Flatpak use) and handed to bubblewrap's
/// <c>--seccomp</c>. It denies what builds and servers never need and kernel exploits usually start
/// with: new namespaces (the nested <c>unshare -Ur</c>), mounts, keyrings, BPF, perf, userfaultfd,
/// io_uring, module loading and kexec. Other architectures' system calls (an i386 <c>int 0x80</c>)
/// are killed by libseccomp's default bad-architecture action. Written once per process.
/// </summary>
internal static partial class SeccompFilter
{
    private const string Library = "libseccomp.so.2";
    private const uint ActAllow = 0x7fff0000;
    private const int Eperm = 1;
    private const int Enosys = 38;
    private const int CompareMaskedEqual = 7;

    // clone(2)'s namespace flags: any one of them set is refused (CLONE_NEWTIME is unshare/clone3 only).
    private static readonly ulong[] NamespaceFlags =
        [0x00020000 /* NEWNS */, 0x02000000 /* NEWCGROUP */, 0x04000000 /* NEWUTS */, 0x08000000 /* NEWIPC */,
         0x10000000 /* NEWUSER */, 0x20000000 /* NEWPID */, 0x40000000 /* NEWNET */];

    /// <summary>System calls refused with EPERM.</summary>
    public static readonly string[] Denied =
    [
        "unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "fsopen", "fsmount",
        "fsconfig", "fspick", "mount_setattr", "keyctl", "add_key", "request_key", "bpf", "perf_event_open",
        "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register", "kexec_load", "kexec_file_load",
        "init_module", "finit_module", "delete_module", "open_by_handle_at", "name_to_handle_at", "iopl", "ioperm",
        "swapon", "swapoff", "reboot", "syslog", "acct", "quotactl", "lookup_dcookie", "vhangup", "settimeofday",
        "clock_settime", "clock_adjtime", "adjtimex", "process_vm_writev", "uselib", "nfsservctl",
    ];

    private static readonly Lazy<(string? Path, string? Problem)> Compiled = new(Compile);

    /// <summary>The compiled filter's file, or null with the reason when libseccomp is not there.</summary>
    public static (string? Path, string? Problem) File => Compiled.Value;

    private static (string? Path, string? Problem) Compile()
    {
        try
        {
            var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(),
                $"codegencicd-seccomp-{Environment.ProcessId}-{Guid.NewGuid():N}.bpf");
            Write(path);
            return (path, null);
        }
        catch (Exception ex)
            when (ex is DllNotFoundException or EntryPointNotFoundException or InvalidOperationException or IOException)
        {
            return (null, $"no seccomp filter: {ex.Message} (apt-get install libseccomp2)");
        }
    }

    private static void Write(string path)
    {
        var context = seccomp_init(ActAllow);
        if (context == IntPtr.Zero)
        {
            throw new InvalidOperationException("seccomp_init failed");
        }
        try
        {
            foreach (var name in Denied)
            {
                Deny(context, name, Errno(Eperm));
            }
            var clone = Resolve("clone");
            foreach (var flag in NamespaceFlags)
            {
                ScmpArgCompare[] compare = [new(0, CompareMaskedEqual, flag, flag)];
                Check(seccomp_rule_add_array(context, Errno(Eperm), clone, 1, compare), "clone");
            }
            // clone3 passes its flags in memory, out of a filter's reach: ENOSYS makes libc fall back to clone.
            Deny(context, "clone3", Errno(Enosys));
            using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            Check(seccomp_export_bpf(context, (int)file.SafeFileHandle.DangerousGetHandle()), "export");
        }
        finally
        {
            seccomp_release(context);
        }
    }

    private static void Deny(IntPtr context, string name, uint action)
    {
        var number = seccomp_syscall_resolve_name(name);
        if (number < 0)
        {
            return; // Not on this architecture (iopl on arm64): nothing to deny.
        }
        Check(seccomp_rule_add_array(context, action, number, 0, []), name);
    }

    private static int Resolve(string name) =>
        seccomp_syscall_resolve_name(name) is var number and >= 0
            ? number
            : throw new InvalidOperationException($"unknown system call {name}");

    private static uint Errno(int code) => 0x00050000u | (uint)(code & 0xffff);

    private static void Check(int result, string what)
    {
        if (result < 0)
        {
            throw new InvalidOperationException($"libseccomp refused the rule for {what} ({result})");
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct ScmpArgCompare(uint Argument, int Operator, ulong DatumA, ulong DatumB);

    [LibraryImport(Library)]
    private static partial IntPtr seccomp_init(uint defaultAction);

    [LibraryImport(Library)]
    private static partial void seccomp_release(IntPtr context);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int seccomp_syscall_resolve_name(string name);

    [LibraryImport(Library)]
    private static partial int seccomp_rule_add_array(IntPtr context, uint action, int syscall, uint count,
        ScmpArgCompare[] compare);

    [LibraryImport(Library)]
    private static partial int seccomp_export_bpf(IntPtr context, int fd);
}
