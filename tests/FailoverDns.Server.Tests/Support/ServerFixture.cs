using System.Net;
using FailoverDns.Server.Hosting;
using FailoverDns.Server.Transport;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
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

    /// <summary>The admin API's base address, when it is on.</summary>
    public Uri? AdminAddress { get; private set; }

    public IServiceProvider Services => _host!.Services;

    /// <summary>Set before starting to use a fake clock.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>Set before starting to keep overrides in a chosen file (e.g. across a restart).</summary>
    public string? StateFile { get; init; }

    private const int AdminOptionsPort = 8053;

    /// <summary>Starts a server on <paramref name="yaml"/>; dispose it to stop.</summary>
    public static async Task<ServerFixture> StartAsync(string yaml, TimeProvider? timeProvider = null, string? stateFile = null)
    {
        var server = new ServerFixture(yaml) { TimeProvider = timeProvider, StateFile = stateFile };
        await server.InitializeAsync();
        return server;
    }

    public async Task InitializeAsync()
    {
        var loaded = TestZone.Load(_yaml);
        // Tests run side by side: the admin API, when on, takes a free port too.
        var config = loaded.Config!;
        if (config.Admin.Listen is { } adminListen)
        {
            var listen = adminListen.Port == AdminOptionsPort ? new IPEndPoint(IPAddress.Loopback, 0) : adminListen;
            config = config with { Admin = config.Admin with { Listen = listen, StateFile = StateFile ?? Path.Combine(Path.GetTempPath(), $"failoverdns-test-{Guid.NewGuid():N}.json") } };
        }

        _host = FailoverDnsHost.Build(config, loaded.Snapshot!, timeProvider: TimeProvider);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _host.StartAsync(timeout.Token);
        var listeners = _host.Services.GetRequiredService<DnsListenerService>();
        UdpEndPoint = listeners.UdpEndPoints.Single();
        TcpEndPoint = listeners.TcpEndPoints.Single();
        var addresses = _host.Services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses;
        AdminAddress = addresses?.FirstOrDefault() is { } admin ? new Uri(admin) : null;
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
