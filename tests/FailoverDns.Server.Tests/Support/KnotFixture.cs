using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FailoverDns.Protocol;

namespace FailoverDns.Server.Tests.Support;

/// <summary>
/// Knot DNS serving the test zone on a free loopback port: the reference our answers are compared
/// with. Only the knotd process started here is stopped, by its PID.
/// </summary>
public sealed class KnotFixture : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("failoverdns-knot-").FullName;
    private Process? _knot;

    public IPEndPoint EndPoint { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var zone = TestZone.Load().Config!.Zones.Single();
        var zoneFile = Path.Combine(_directory, "example.test.zone");
        var text = new StringBuilder();
        foreach (var record in zone.Records)
        {
            text.AppendLine(record.ToString());
        }

        await File.WriteAllTextAsync(zoneFile, text.ToString());
        var port = FreePort();
        EndPoint = new IPEndPoint(IPAddress.Loopback, port);
        Directory.CreateDirectory(Path.Combine(_directory, "db"));
        var config = Path.Combine(_directory, "knot.conf");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $"""
            server:
                rundir: "{_directory}"
                listen: 127.0.0.1@{port}
            log:
              - target: stderr
                any: warning
            database:
                storage: "{_directory}/db"
            zone:
              - domain: example.test
                file: "{zoneFile}"
                journal-content: none
                zonefile-sync: -1
            """));
        var start = new ProcessStartInfo("knotd", ["-c", config]) { RedirectStandardError = true, RedirectStandardOutput = true };
        try
        {
            _knot = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("knotd is not installed: run .ci/run (it installs the knot package)", e);
        }

        _knot.OutputDataReceived += (_, _) => { };
        _knot.ErrorDataReceived += (_, _) => { };
        _knot.BeginOutputReadLine();
        _knot.BeginErrorReadLine();
        using var client = new UdpClient(AddressFamily.InterNetwork);
        var probe = Queries.Build("example.test", RecordType.SOA);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (await UdpExchange.TryAsync(client, EndPoint, probe, TimeSpan.FromMilliseconds(100)) is not null)
            {
                return;
            }

            if (_knot.HasExited)
            {
                break;
            }
        }

        throw new InvalidOperationException($"knotd did not answer on port {port}");
    }

    public Task DisposeAsync()
    {
        if (_knot is { HasExited: false })
        {
            _knot.Kill();
            _knot.WaitForExit(5000);
        }

        _knot?.Dispose();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    private static int FreePort()
    {
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)udp.LocalEndPoint!).Port;
    }
}
