using System.Collections.Concurrent;

namespace CodegenCicd.Tests.Infrastructure;

/// <summary>
/// A job used by tests to prove that Hangfire really executed something: each run records which
/// node ran it and completes a signal the test awaits (no sleeps).
/// </summary>
public sealed class SignalJob
{
    private static readonly ConcurrentDictionary<string, TaskCompletionSource<string>> Signals = new();
    private static readonly ConcurrentDictionary<string, int> Runs = new();

    public static Task<string> WaitAsync(string id) =>
        Signals.GetOrAdd(id, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(TimeSpan.FromSeconds(60));

    public static int RunCount(string id) => Runs.GetValueOrDefault(id);

    public Task RunAsync(string id, string node)
    {
        Runs.AddOrUpdate(id, 1, (_, n) => n + 1);
        Signals.GetOrAdd(id, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(node);
        return Task.CompletedTask;
    }
}
