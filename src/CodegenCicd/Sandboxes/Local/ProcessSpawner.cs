using System.Collections.Concurrent;
using System.Diagnostics;

namespace CodegenCicd.Sandboxes.Local;

/// <summary>
/// Starts sandbox processes from one thread that lives as long as the app. bwrap's
/// <c>--die-with-parent</c> is PR_SET_PDEATHSIG, which fires when the parent <em>thread</em> exits,
/// not the process: started from a thread-pool thread, a sandbox would be killed whenever the pool
/// retired that thread (seen as random exit 137 after ~10 s of idling).
/// </summary>
internal static class ProcessSpawner
{
    private static readonly BlockingCollection<(ProcessStartInfo Start, TaskCompletionSource<Process> Started)>
        Requests = [];

    static ProcessSpawner()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "sandbox-spawner" };
        thread.Start();
    }

    public static Process Start(ProcessStartInfo start)
    {
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        Requests.Add((start, started));
        return started.Task.GetAwaiter().GetResult();
    }

    private static void Run()
    {
        foreach (var (start, started) in Requests.GetConsumingEnumerable())
        {
            try
            {
                started.SetResult(Process.Start(start)
                    ?? throw new InvalidOperationException($"{start.FileName} did not start"));
            }
            catch (Exception ex)
            {
                started.SetException(ex);
            }
        }
    }
}
