using Microsoft.AspNetCore.Connections;

namespace CodegenCicd.Hosting.Server;

public static class SocketBufferExtensions
{
    /// <summary>
    /// Kestrel's socket transport takes its buffers from <see cref="LargeBlockMemoryPool"/>. Kestrel registers its own
    /// pool factory when the builder is created, so this one, registered later, is the one it resolves.
    /// </summary>
    public static IHostApplicationBuilder AddSocketBuffers(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>, LargeBlockMemoryPool.Factory>();
        return builder;
    }
}
