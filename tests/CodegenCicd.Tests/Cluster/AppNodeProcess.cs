using System.Diagnostics;
using CodegenCicd.Tests.Infrastructure;

namespace CodegenCicd.Tests.Cluster;

/// <summary>The built app as a separate OS process on a real port: a node that can be killed like a crashed machine.</summary>
internal sealed class AppNodeProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly Task<string> stdout;
    private readonly Task<string> stderr;

    public AppNodeProcess(IReadOnlyDictionary<string, string> environment)
    {
        Port = FreePorts.Pick();
        Url = new Uri($"http://127.0.0.1:{Port}/");
        DataDirectory = Directory.CreateTempSubdirectory("codegencicd-node-").FullName;
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "CodegenCicd.dll"), "--urls", Url.ToString().TrimEnd('/'), "--contentRoot", AppContext.BaseDirectory])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = DataDirectory,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Sandbox__Root"] = Path.Combine(DataDirectory, "sandboxes");
        start.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        // Where the other nodes reach this one.
        start.Environment["Cluster__NodeUrl"] = Url.ToString();
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        process = Process.Start(start)!;
        stdout = process.StandardOutput.ReadToEndAsync();
        stderr = process.StandardError.ReadToEndAsync();
    }

    public int Port { get; }

    public Uri Url { get; }

    public string DataDirectory { get; }

    public string SandboxRoot => Path.Combine(DataDirectory, "sandboxes");

    public bool HasExited => process.HasExited;

    public int ProcessId => process.Id;

    /// <summary>Waits until the node answers /healthz, or says why it did not.</summary>
    public async Task WaitUntilUpAsync(TimeSpan within)
    {
        if (await ProcessHealth.WaitAsync(process, new Uri(Url, "healthz"), within))
        {
            return;
        }
        throw new InvalidOperationException($"The node did not come up: {(process.HasExited ? await stderr + await stdout : "timed out")}");
    }

    /// <summary>kill -9 of the app process alone: no shutdown hooks, no heartbeat saying goodbye.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: false);
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        // What the killed node left running over its workspaces.
        foreach (var pid in Sandboxes.SandboxTestKit.ProcessesWith(SandboxRoot))
        {
            try
            {
                Process.GetProcessById(pid).Kill(entireProcessTree: true);
            }
            catch (ArgumentException)
            {
                // already gone
            }
        }
        process.Dispose();
        Infrastructure.TempFolder.TryDelete(DataDirectory);
    }

}
