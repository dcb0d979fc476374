using System.Globalization;
using System.Net;
using System.Text;

namespace FailoverDns.Server.Tests.Support;

/// <summary>
/// Knot DNS serving the test zone on a free loopback port: the reference our answers are compared
/// with. Only the knotd process started here is stopped, by its PID.
/// </summary>
public sealed class KnotFixture : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("failoverdns-knot-").FullName;
    private Daemon? _knot;

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
        var port = FreePort.Next();
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
        _knot = await Daemon.StartAsync("knotd", "knot", port, "example.test", "-c", config);
    }

    public async Task DisposeAsync()
    {
        if (_knot is not null)
        {
            await _knot.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }
}
