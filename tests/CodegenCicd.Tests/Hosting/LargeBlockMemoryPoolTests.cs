using System.Net;
using CodegenCicd.Hosting.Server;
using CodegenCicd.Tests.GitHub;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Hosting;

/// <summary>Kestrel's socket buffers come in 32 KiB blocks (a whole usual webhook body per receive).</summary>
public sealed class LargeBlockMemoryPoolTests
{
    [Fact]
    public void AReturnedBlock_IsRentedAgain_AndAnOwnerDisposedTwiceReturnsItOnce()
    {
        using var pool = new LargeBlockMemoryPool();
        var first = pool.Rent();
        var array = first.Memory;
        Assert.Equal(LargeBlockMemoryPool.BlockSize, array.Length);

        first.Dispose();
        first.Dispose(); // a second dispose must not put the same block in the pool twice

        using var second = pool.Rent();
        using var third = pool.Rent();
        Assert.True(second.Memory.Span == array.Span, "the returned block was not reused");
        Assert.False(third.Memory.Span == array.Span, "one block was handed to two owners");
        Assert.Throws<ObjectDisposedException>(() => first.Memory);
    }

    [Fact]
    public void MoreThanABlock_IsRefused_SoPipesTakeLargerBuffersElsewhere()
    {
        using var pool = new LargeBlockMemoryPool();

        Assert.Equal(LargeBlockMemoryPool.BlockSize, pool.MaxBufferSize);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(LargeBlockMemoryPool.BlockSize + 1));
    }

    [Fact]
    public async Task TheAppHandsKestrelThisPool_InsteadOfItsDefault()
    {
        // Without UseKestrel the host still registers Kestrel's services, at creation, before Program's own.
        await using var factory = new GitHubAppFactory(github: null);

        Assert.IsType<LargeBlockMemoryPool.Factory>(factory.Services.GetRequiredService<IMemoryPoolFactory<byte>>());
    }

    [Theory]
    [InlineData(100)]
    [InlineData(LargeBlockMemoryPool.BlockSize)]
    [InlineData(4 * LargeBlockMemoryPool.BlockSize + 7)] // several blocks: a body that spans several receives
    [InlineData(3_000_000)]
    public async Task KestrelOnThisPool_ReceivesBodiesOfAnySizeWhole_AndAnswersWhole(int size)
    {
        // A plain Kestrel host with the pool registered as the app registers it: after the builder is created.
        var pools = new CountingFactory();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>>(pools);
        await using var app = builder.Build();
        app.MapPost("/echo", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            return Results.Bytes(body.ToArray(), "application/octet-stream");
        });
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        var sent = new byte[size];
        new Random(size).NextBytes(sent);

        using var response = await http.PostAsync("/echo", new ByteArrayContent(sent));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(sent, await response.Content.ReadAsByteArrayAsync());
        Assert.True(pools.Created > 0, "Kestrel never asked for the pool");
        await app.StopAsync();
    }

    /// <summary>The app's pool factory, counting the pools Kestrel asks it for.</summary>
    private sealed class CountingFactory : IMemoryPoolFactory<byte>
    {
        private readonly LargeBlockMemoryPool.Factory inner = new();
        private int created;

        public int Created => created;

        public System.Buffers.MemoryPool<byte> Create(MemoryPoolOptions? options = null)
        {
            Interlocked.Increment(ref created);
            return inner.Create(options);
        }
    }
}
