using System.Text;

namespace CodegenCicd.Sandboxes;

/// <summary>Keeps the last <c>capacity</c> characters of a stream of lines; thread-safe.</summary>
public sealed class OutputTail(int capacity)
{
    private readonly Queue<string> lines = new();
    private readonly Lock gate = new();
    private int length;

    public bool Truncated { get; private set; }

    public void Append(string line)
    {
        lock (gate)
        {
            if (line.Length > capacity)
            {
                line = line[^capacity..];
                Truncated = true;
            }
            lines.Enqueue(line);
            length += line.Length + 1;
            while (length > capacity && lines.Count > 0)
            {
                length -= lines.Dequeue().Length + 1;
                Truncated = true;
            }
        }
    }

    public override string ToString()
    {
        lock (gate)
        {
            var text = new StringBuilder(length + 32);
            if (Truncated)
            {
                text.Append("[… earlier output omitted]\n");
            }
            foreach (var line in lines)
            {
                text.Append(line).Append('\n');
            }
            return text.ToString();
        }
    }
}
