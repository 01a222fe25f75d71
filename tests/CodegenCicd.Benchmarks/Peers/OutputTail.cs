using System.Diagnostics;
using System.Text;

namespace CodegenCicd.Benchmarks.Peers;

/// <summary>The last lines a process wrote to stdout and stderr, for the error message when it fails.</summary>
internal sealed class OutputTail
{
    private const int MaxLines = 40;
    private readonly Queue<string> lines = new();

    public static OutputTail Of(Process process)
    {
        var tail = new OutputTail();
        process.OutputDataReceived += (_, e) => tail.Add(e.Data);
        process.ErrorDataReceived += (_, e) => tail.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return tail;
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (lines)
        {
            lines.Enqueue(line);
            if (lines.Count > MaxLines)
            {
                lines.Dequeue();
            }
        }
    }

    public override string ToString()
    {
        lock (lines)
        {
            return new StringBuilder().AppendJoin('\n', lines).ToString();
        }
    }
}
