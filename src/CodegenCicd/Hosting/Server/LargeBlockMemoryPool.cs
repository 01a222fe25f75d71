using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace CodegenCicd.Hosting.Server;

/// <summary>
/// Kestrel's socket buffers in 32 KiB blocks instead of its default 4 KiB ones.
/// <para>
/// Kestrel receives into whatever is left of the current block of its pool, so with 4 KiB blocks a 23 KB webhook
/// body took six or more <c>recv</c> calls, each with its own trip through the pipe, the HTTP parser and the body
/// reader: about twelve receive calls per delivery under the peers benchmark's load (<c>strace -c</c>). With a block
/// that holds a whole usual body it takes one or two. The blocks are pinned (the pinned object heap), as Kestrel's
/// own are, since the socket layer holds them across an asynchronous receive.
/// </para>
/// <para>
/// Idle connections hold no block: Kestrel waits for data before it rents one (its default). At most
/// <see cref="Kept"/> returned blocks (8 MiB) are kept for reuse in each pool (Kestrel makes one per socket I/O queue);
/// the rest are left to the garbage collector.
/// </para>
/// </summary>
public sealed class LargeBlockMemoryPool : MemoryPool<byte>
{
    public const int BlockSize = 32 * 1024;

    private const int Kept = 256;

    private readonly ConcurrentQueue<byte[]> free = new();

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        if (!free.TryDequeue(out var block))
        {
            block = GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true);
        }
        return new Block(this, block);
    }

    protected override void Dispose(bool disposing) => free.Clear();

    private void Return(byte[] block)
    {
        if (free.Count < Kept)
        {
            free.Enqueue(block);
        }
    }

    private sealed class Block(LargeBlockMemoryPool pool, byte[] array) : IMemoryOwner<byte>
    {
        private byte[]? array = array;

        public Memory<byte> Memory => array ?? throw new ObjectDisposedException(nameof(Block));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref array, null) is { } returned)
            {
                pool.Return(returned);
            }
        }
    }

    /// <summary>What Kestrel asks for its pools (one per socket I/O queue).</summary>
    public sealed class Factory : IMemoryPoolFactory<byte>
    {
        public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new LargeBlockMemoryPool();
    }
}
