using CodegenCicd.Cli;

namespace CodegenCicd.Tests.Cli;

public sealed class ReceivePayloadPathTests
{
    [Fact]
    public void RelativePath_FoundOnlyUnderTheShellsDirectory_IsTakenFromThere()
    {
        var caller = Directory.CreateTempSubdirectory("receive-caller-").FullName;
        var app = Directory.CreateTempSubdirectory("receive-app-").FullName;
        File.WriteAllText(Path.Combine(caller, "payload.json"), "{}");

        Assert.Equal(Path.Combine(caller, "payload.json"), ReceiveCommand.ResolveFromCaller("payload.json", app, caller));
        Directory.Delete(caller, true);
        Directory.Delete(app, true);
    }

    [Fact]
    public void RelativePath_FoundOnlyUnderTheProcessDirectory_IsTakenFromThere()
    {
        var shell = Directory.CreateTempSubdirectory("receive-shell-").FullName;
        var process = Directory.CreateTempSubdirectory("receive-process-").FullName;
        File.WriteAllText(Path.Combine(process, "payload.json"), "{}");

        Assert.Equal(Path.Combine(process, "payload.json"), ReceiveCommand.ResolveFromCaller("payload.json", process, shell));
        Directory.Delete(shell, true);
        Directory.Delete(process, true);
    }

    [Fact]
    public void AbsolutePath_IsKept()
    {
        Assert.Equal("/tmp/x.json", ReceiveCommand.ResolveFromCaller("/tmp/./x.json", "/srv", "/home"));
    }
}
