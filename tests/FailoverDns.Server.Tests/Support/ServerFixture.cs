using System.Net;
using FailoverDns.Server.Hosting;
using FailoverDns.Server.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FailoverDns.Server.Tests.Support;

/// <summary>The real host on a loopback port chosen by the kernel; the bound port is read back.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private readonly string? _yaml;
    private IHost? _host;

    public ServerFixture()
    {
    }

    private ServerFixture(string yaml) => _yaml = yaml;

    public int Port => UdpEndPoint.Port;

    public IPEndPoint UdpEndPoint { get; private set; } = null!;

    public IPEndPoint TcpEndPoint { get; private set; } = null!;

    /// <summary>Starts a server on <paramref name="yaml"/>; dispose it to stop.</summary>
    public static async Task<ServerFixture> StartAsync(string yaml)
    {
        var server = new ServerFixture(yaml);
        await server.InitializeAsync();
        return server;
    }

    public async Task InitializeAsync()
    {
        var loaded = TestZone.Load(_yaml);
        _host = FailoverDnsHost.Build(loaded.Config!, loaded.Snapshot!);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _host.StartAsync(timeout.Token);
        var listeners = _host.Services.GetRequiredService<DnsListenerService>();
        UdpEndPoint = listeners.UdpEndPoints.Single();
        TcpEndPoint = listeners.TcpEndPoints.Single();
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _host.StopAsync(timeout.Token);
            _host.Dispose();
        }
    }
}
