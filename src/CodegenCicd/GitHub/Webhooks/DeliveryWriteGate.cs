using CodegenCicd.Data;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.GitHub.Webhooks;

/// <summary>
/// SQLite has one writer at a time; concurrent writers on separate connections collide and fall into
/// the driver's busy-retry sleeps, which is what a burst of deliveries (16 at once, plus their jobs)
/// turns into a long latency tail. Queuing this feature's writes in-process is cheaper than colliding.
/// PostgreSQL needs no gate, so it gets none.
/// </summary>
public sealed class DeliveryWriteGate
{
    private readonly SemaphoreSlim gate = new(1, 1);

    /// <summary>The provider, asked once: it does not change while the app runs (and asking costs a lookup).</summary>
    private bool? sqlite;

    public async Task<T> RunAsync<T>(AppDbContext db, Func<Task<T>> write, CancellationToken cancellationToken)
    {
        if (!(sqlite ??= db.Database.IsSqlite()))
        {
            return await write();
        }
        await gate.WaitAsync(cancellationToken);
        try
        {
            return await write();
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The same, blocking: for the delivery writer, which has a thread of its own.</summary>
    public T Run<T>(AppDbContext db, Func<T> write)
    {
        if (!(sqlite ??= db.Database.IsSqlite()))
        {
            return write();
        }
        gate.Wait();
        try
        {
            return write();
        }
        finally
        {
            gate.Release();
        }
    }
}
