using System.Net;
using System.Text;
using FailoverDns.Testing;

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
        _knot = await Daemon.StartKnotAsync(_directory, port, "example.test", zoneFile);
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
