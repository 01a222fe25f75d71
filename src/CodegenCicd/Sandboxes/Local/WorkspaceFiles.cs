using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace CodegenCicd.Sandboxes.Local;

/// <summary>
/// Lists and reads files the sandbox wrote (analysis reports) without trusting them: symbolic links
/// are neither listed nor followed, a FIFO cannot hang the read, and an oversized file is not read.
/// The sandbox may still be changing the tree while the app reads it, so the checks are made on
/// the opened file itself, not on its path beforehand.
/// </summary>
internal static class WorkspaceFiles
{
    /// <summary>
    /// Largest file read back from a workspace. SARIF of a big repository reaches a few MB; more is a
    /// runaway tool or an attempt to exhaust the app's memory, since the file is parsed in memory.
    /// </summary>
    public const long MaxReadBytes = 32L * 1024 * 1024;

    /// <summary>Files listed at most; a report folder with more is a tool gone wrong.</summary>
    public const int MaxListed = 1000;

    /// <summary>
    /// Relative paths of the regular files under <paramref name="folder"/>, never through a symbolic link.
    /// </summary>
    public static IReadOnlyList<string> List(string workspace, string folder) =>
        Directory.EnumerateFiles(folder, "*", new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            // A symlink is a reparse point here: skipping it keeps /etc or the app's data out of the
            // listing, and a link back up the tree cannot loop. Hidden and System are the defaults.
            AttributesToSkip = FileAttributes.ReparsePoint | FileAttributes.Hidden | FileAttributes.System,
            MaxRecursionDepth = 32,
        })
        .Take(MaxListed)
        .Select(f => Path.GetRelativePath(workspace, f))
        .Order(StringComparer.Ordinal)
        .ToList();

    /// <summary>
    /// The file's bytes, or null when it does not exist.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// It is a symbolic link, not a regular file, or resolves outside the workspace.
    /// </exception>
    /// <exception cref="WorkspaceFileTooLargeException">It is larger than <see cref="MaxReadBytes"/>.</exception>
    public static async Task<byte[]?> ReadAsync(string workspace, string path, string shownPath,
        CancellationToken cancellationToken)
    {
        var fd = Open(path, OpenFlags);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno is ENOENT or ENOTDIR ? null
                : errno == ELOOP ? throw new ArgumentException($"'{shownPath}' is a symbolic link", nameof(path))
                : throw new IOException($"'{shownPath}' could not be opened (errno {errno})");
        }
        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        // What was opened, whatever the sandbox swapped in the path meanwhile.
        var opened = new FileInfo($"/proc/self/fd/{fd}").LinkTarget;
        if (opened is null || !opened.StartsWith(RealPath(workspace) + "/", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{shownPath}' is outside the workspace", nameof(path));
        }
        await using var stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
        if (!stream.CanSeek)
        {
            throw new ArgumentException($"'{shownPath}' is not a regular file", nameof(path));
        }
        if (stream.Length > MaxReadBytes)
        {
            throw new WorkspaceFileTooLargeException(shownPath, stream.Length);
        }
        // The file may grow after the length was read: never read more than the cap.
        var buffer = new byte[stream.Length];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
        {
            total += read;
        }
        return total == buffer.Length ? buffer : buffer[..total];
    }

    private static string RealPath(string path)
    {
        var resolved = RealPath(path, 0);
        if (resolved == 0)
        {
            throw new IOException($"'{path}' could not be resolved (errno {Marshal.GetLastPInvokeError()})");
        }
        try
        {
            return Marshal.PtrToStringUTF8(resolved)!;
        }
        finally
        {
            Free(resolved);
        }
    }

    private const int ENOENT = 2;
    private const int ENOTDIR = 20;
    private const int ELOOP = 40;

    // O_NOFOLLOW refuses a symlink as the last component; O_NONBLOCK keeps a FIFO from blocking open().
    // Linux flag values; O_NOFOLLOW differs on arm64.
    private static readonly int OpenFlags = 0 /* O_RDONLY */ | 0x800 /* O_NONBLOCK */ | 0x80000 /* O_CLOEXEC */
        | (RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x8000 : 0x20000) /* O_NOFOLLOW */;

    // DllImport rather than LibraryImport: the generated marshalling needs AllowUnsafeBlocks project-wide.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "realpath", SetLastError = true)]
    private static extern nint RealPath([MarshalAs(UnmanagedType.LPUTF8Str)] string path, nint resolved);

    [DllImport("libc", EntryPoint = "free")]
    private static extern void Free(nint pointer);
#pragma warning restore SYSLIB1054
}

/// <summary>A file the sandbox wrote is too large to read back (<see cref="WorkspaceFiles.MaxReadBytes"/>).</summary>
public sealed class WorkspaceFileTooLargeException(string path, long length)
    : IOException($"{path} is {length / (1024 * 1024)} MB, "
        + $"over the {WorkspaceFiles.MaxReadBytes / (1024 * 1024)} MB cap for a report; it was not read");
