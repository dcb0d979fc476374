using System.Net;
using System.Text.Json;
using FailoverDns.Configuration;
using FailoverDns.Server.Hosting;
using FailoverDns.Server.Reload;
using FailoverDns.Server.Transport;
using FluentAssertions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FailoverDns.Server.Tests.Support;

/// <summary>
/// The real host on a loopback port chosen by the kernel; the bound port is read back. The admin API,
/// when on at its default port, moves to a free port too, and keeps overrides in a file of its own.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime, IDisposable
{

    private readonly string? _yaml;
    private IHost? _host;
    private string? _ownStateFile;
    private HttpClient? _admin;

    public ServerFixture()
    {
    }

    private ServerFixture(string? yaml) => _yaml = yaml;

    public int Port => UdpEndPoint.Port;

    public IPEndPoint UdpEndPoint { get; private set; } = null!;

    public IPEndPoint TcpEndPoint { get; private set; } = null!;

    public IServiceProvider Services => _host!.Services;

    /// <summary>A client of the admin API (bearer token set when the config has one).</summary>
    public HttpClient Admin => _admin ?? throw new InvalidOperationException("the admin API is off in this config");

    /// <summary>A fake clock for the whole host, when set before starting.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>Where overrides and check states are kept; a fresh temporary file unless set (e.g. to survive a restart).</summary>
    public string? StateFile { get; init; }

    /// <summary>A config file to serve (and reload on change) instead of YAML text.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>Starts a server on <paramref name="yaml"/>; dispose it to stop.</summary>
    public static async Task<ServerFixture> StartAsync(string yaml, TimeProvider? timeProvider = null, string? stateFile = null)
    {
        var server = new ServerFixture(yaml) { TimeProvider = timeProvider, StateFile = stateFile };
        await server.InitializeAsync();
        return server;
    }

    /// <summary>Starts a server on the file <paramref name="path"/>, reloading it when it changes.</summary>
    public static async Task<ServerFixture> StartFileAsync(string path, TimeProvider? timeProvider = null)
    {
        var server = new ServerFixture(null) { ConfigFile = path, TimeProvider = timeProvider };
        await server.InitializeAsync();
        return server;
    }

    public async Task InitializeAsync()
    {
        var loaded = ConfigFile is null ? TestZone.Load(_yaml) : ConfigLoader.Load(ConfigFile);
        if (!loaded.Succeeded)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, loaded.Errors));
        }

        _ownStateFile = StateFile is null ? Path.Combine(Path.GetTempPath(), $"failoverdns-test-{Guid.NewGuid():N}.json") : null;
        var stateFile = StateFile ?? _ownStateFile!;
        var source = ConfigFile is null ? null : new ConfigSource(ConfigFile, c => ForTests(c, stateFile));
        _host = FailoverDnsHost.Build(ForTests(loaded.Config!, stateFile), loaded.Snapshot!, source, TimeProvider);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _host.StartAsync(timeout.Token);
        var listeners = _host.Services.GetRequiredService<DnsListenerService>();
        UdpEndPoint = listeners.UdpEndPoints.Single();
        TcpEndPoint = listeners.TcpEndPoints.Single();
        var addresses = _host.Services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses;
        if (addresses?.FirstOrDefault() is { } admin)
        {
            _admin = new HttpClient { BaseAddress = new Uri(admin), Timeout = TimeSpan.FromSeconds(10) };
            if (loaded.Config!.Admin.Token is { } token)
            {
                _admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            }
        }
    }

    /// <summary>GETs <paramref name="path"/> from the admin API and parses the JSON it returns.</summary>
    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Admin.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.Should().BeTrue($"GET {path} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The body of <c>/readyz</c>, whether it answered 200 (ready) or 503 (not yet).</summary>
    public async Task<JsonElement> ReadinessAsync()
    {
        using var response = await Admin.GetAsync("/readyz");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    public async Task DisposeAsync()
    {
        _admin?.Dispose();
        _admin = null;
        if (_host is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _host.StopAsync(timeout.Token);
            _host.Dispose();
            _host = null;
        }

        if (_ownStateFile is not null)
        {
            File.Delete(_ownStateFile);
        }
    }

    public void Dispose() => DisposeAsync().GetAwaiter().GetResult();

    private static FailoverDnsConfig ForTests(FailoverDnsConfig config, string stateFile)
    {
        // The state file is written even with the admin API off: each test keeps its own.
        var admin = config.Admin with { StateFile = stateFile };

        // Tests run side by side: the admin API at its default port takes a free one instead.
        if (admin.Listen is { } listen && listen.Port == AdminOptions.DefaultListen.Port)
        {
            admin = admin with { Listen = new IPEndPoint(IPAddress.Loopback, 0) };
        }

        return config with { Admin = admin };
    }
}
