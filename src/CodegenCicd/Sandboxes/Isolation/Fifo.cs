using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace CodegenCicd.Sandboxes.Isolation;

/// <summary>
/// Named pipes to talk to bubblewrap and slirp4netns over the file descriptors they take
/// (<c>--info-fd</c>, <c>--block-fd</c>, <c>--ready-fd</c>): .NET cannot hand a child extra
/// descriptors, so a shell opens the pipes onto them and then execs the program.
/// </summary>
internal static partial class Fifo
{
    public static string Create(string folder, string name)
    {
        var path = Path.Combine(folder, name);
        if (mkfifo(path, Convert.ToUInt32("600", 8)) != 0)
        {
            throw new SandboxUnavailableException($"mkfifo {path} failed (errno {Marshal.GetLastPInvokeError()})");
        }
        return path;
    }

    /// <summary>
    /// Reads from <paramref name="path"/> until <paramref name="complete"/> says the text is whole, or
    /// the writer closes it. When <paramref name="writer"/> exits without ever opening the pipe, the
    /// pipe is opened for writing here so the read ends instead of waiting forever.
    /// </summary>
    public static async Task<string> ReadAsync(string path, Process writer, Func<string, bool> complete,
        CancellationToken cancellationToken)
    {
        var reading = Task.Run(() =>
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
            var text = new StringBuilder();
            var buffer = new byte[256];
            int read;
            while (!complete(text.ToString()) && (read = stream.Read(buffer)) > 0)
            {
                text.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }
            return text.ToString();
        }, CancellationToken.None);
        var exited = writer.WaitForExitAsync(cancellationToken);
        if (await Task.WhenAny(reading, exited) != reading)
        {
            // The writer is gone (or we were cancelled): unblock a pending open so the read sees end of file.
            using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 1))
            {
            }
        }
        return await reading;
    }

    /// <summary>Writes one byte; opened read-write so it never waits for a reader that died.</summary>
    public static void Signal(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 1);
        stream.WriteByte((byte)'1');
    }

    /// <summary>
    /// Starts <paramref name="program"/> with a fifo on fd 3 and waits until it writes to it (its "ready").
    /// </summary>
    public static async Task<Process> StartWithReadyFifoAsync(string program, IEnumerable<string> arguments,
        string folder, CancellationToken cancellationToken)
    {
        var ready = Create(folder, $"ready-{Guid.NewGuid():N}");
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["-c", "exec 3>\"$0\"; exec \"$@\"", ready, program, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment.Clear();
        start.Environment["PATH"] = Local.BubblewrapLauncher.DefaultPath;
        var process = Process.Start(start) ?? throw new SandboxUnavailableException($"{program} did not start");
        process.StandardInput.Close();
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        try
        {
            var said = await ReadAsync(ready, process, text => text.Length > 0, cancellationToken);
            if (said.Length == 0)
            {
                await process.WaitForExitAsync(CancellationToken.None);
                throw new SandboxUnavailableException($"{Path.GetFileName(program)} failed: {(await errors).Trim()}");
            }
            return process;
        }
        catch
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
            process.Dispose();
            throw;
        }
        finally
        {
            File.Delete(ready);
        }
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mkfifo(string path, uint mode);
}
