using System.Diagnostics;
using System.Globalization;
using System.Net;
using FailoverDns.Protocol;
using FailoverDns.Server.Tests.Support;
using FailoverDns.Testing;
using FluentAssertions;
using Xunit.Abstractions;

namespace FailoverDns.Server.Tests.ZoneTransfer;

/// <summary>
/// Proves the <see cref="SecondaryServer"/> harness against a primary that already exists, Knot: each of
/// Knot, NSD and BIND loads the zone by AXFR, follows a change by IXFR after the primary's NOTIFY,
/// does both under TSIG, and refuses the zone when its secret is wrong.
/// </summary>
public sealed class SecondaryHarnessTests(ITestOutputHelper output)
{
    private const string Zone = "xfr.test";

    public static TheoryData<int, bool> KindsWithAndWithoutTsig => new()
    {
        { (int)SecondaryKind.Knot, false },
        { (int)SecondaryKind.Nsd, false },
        { (int)SecondaryKind.Bind, false },
        { (int)SecondaryKind.Knot, true },
        { (int)SecondaryKind.Nsd, true },
        { (int)SecondaryKind.Bind, true },
    };

    [Theory]
    [MemberData(nameof(KindsWithAndWithoutTsig))]
    public async Task Loads_the_zone_by_axfr_and_follows_a_change_by_ixfr_after_notify(int kindNumber, bool tsig)
    {
        var kind = (SecondaryKind)kindNumber;
        var key = tsig ? NewKey() : null;
        await using var primary = await KnotPrimary.StartAsync(key);
        await using var secondary = await SecondaryServer.StartAsync(kind, Zone, primary.EndPoint, key);
        try
        {
            await secondary.WaitForSerialAsync(1);
            await secondary.WaitForAsync(s => s.SawAxfr, "an AXFR in the log");
            secondary.SawIxfr.Should().BeFalse();
            (await secondary.AskAsync("www." + Zone, RecordType.A)).Should().Be("NOERROR | www.xfr.test. 300 IN A 192.0.2.1");

            await primary.NotifyAsync(secondary.EndPoint);
            var clock = Stopwatch.StartNew();
            await primary.ChangeAsync(2, "192.0.2.2");
            await secondary.WaitForSerialAsync(2, TimeSpan.FromSeconds(10));
            output.WriteLine($"{kind}: serial 2 served {clock.ElapsedMilliseconds} ms after the primary's reload");

            await secondary.WaitForLogAsync(NotifyReceived(kind));
            await secondary.WaitForAsync(s => s.SawIxfr, "an IXFR in the log");
            (await secondary.AskAsync("www." + Zone, RecordType.A)).Should().Be("NOERROR | www.xfr.test. 300 IN A 192.0.2.2");
        }
        finally
        {
            output.WriteLine($"--- primary:\n{primary.Log}\n--- {kind}:\n{secondary.Log}");
        }
    }

    [Theory]
    [InlineData((int)SecondaryKind.Knot)]
    [InlineData((int)SecondaryKind.Nsd)]
    [InlineData((int)SecondaryKind.Bind)]
    public async Task Does_not_load_the_zone_with_a_wrong_tsig_secret(int kindNumber)
    {
        var kind = (SecondaryKind)kindNumber;
        var key = NewKey();
        await using var primary = await KnotPrimary.StartAsync(key);
        await using var secondary = await SecondaryServer.StartAsync(kind, Zone, primary.EndPoint, key with { Secret = NewKey().Secret });
        try
        {
            await secondary.WaitForLogAsync(TsigFailure(kind));
            (await secondary.SerialAsync()).Should().BeNull();
            secondary.SawAxfr.Should().BeFalse();
        }
        finally
        {
            output.WriteLine($"--- primary:\n{primary.Log}\n--- {kind}:\n{secondary.Log}");
        }
    }

    /// <summary>What each daemon logs when the primary's NOTIFY reaches it.</summary>
    private static string NotifyReceived(SecondaryKind kind) => kind switch
    {
        SecondaryKind.Knot => "notify, incoming, remote 127.0.0.1@",
        SecondaryKind.Nsd => "notify for xfr.test. from 127.0.0.1",
        _ => "received notify for zone 'xfr.test'",
    };

    /// <summary>What each daemon logs when the primary rejects its transfer request's TSIG.</summary>
    private static string TsigFailure(SecondaryKind kind) => kind switch
    {
        SecondaryKind.Knot => "failed (failed to verify TSIG)",
        SecondaryKind.Nsd => "bad tsig signature",
        _ => "tsig indicates error",
    };

    private static TsigKeySpec NewKey() =>
        new("xfr-key", "hmac-sha256", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));

    /// <summary>
    /// knotd serving <see cref="Zone"/> from a zone file, keeping a journal of the differences
    /// between reloads so that it serves IXFR; with a key, transfers need it and NOTIFY is signed.
    /// </summary>
    private sealed class KnotPrimary : IAsyncDisposable
    {
        private readonly TempDirectory _directory;
        private readonly TsigKeySpec? _key;
        private readonly Daemon _daemon;
        private IPEndPoint? _notify;

        private KnotPrimary(TempDirectory directory, TsigKeySpec? key, int port, Daemon daemon)
        {
            _directory = directory;
            _key = key;
            EndPoint = new IPEndPoint(IPAddress.Loopback, port);
            _daemon = daemon;
        }

        public IPEndPoint EndPoint { get; }

        public string Log => _daemon.Output;

        private string Socket => Path.Combine(_directory.Path, "knot.sock");

        public static async Task<KnotPrimary> StartAsync(TsigKeySpec? key)
        {
            var directory = new TempDirectory();
            try
            {
                Directory.CreateDirectory(Path.Combine(directory.Path, "db"));
                WriteZone(directory, 1, "192.0.2.1");
                var port = FreePort.Next();
                var config = directory.Write("knot.conf", Config(directory.Path, port, key, notify: null));
                var daemon = await Daemon.StartAsync("knotd", "knot", port, Zone, "-c", config);
                return new KnotPrimary(directory, key, port, daemon);
            }
            catch
            {
                directory.Dispose();
                throw;
            }
        }

        /// <summary>From now on, sends NOTIFY to <paramref name="secondary"/> when the zone changes (config rewritten, knotc reload).</summary>
        public async Task NotifyAsync(IPEndPoint secondary)
        {
            _notify = secondary;
            _directory.Write("knot.conf", Config(_directory.Path, EndPoint.Port, _key, _notify));
            await KnotcAsync("reload");
        }

        /// <summary>Rewrites the zone file with <paramref name="serial"/> and www's new address, and reloads it.</summary>
        public async Task ChangeAsync(uint serial, string www)
        {
            WriteZone(_directory, serial, www);
            await KnotcAsync("zone-reload", Zone);
        }

        public async ValueTask DisposeAsync()
        {
            await _daemon.DisposeAsync();
            _directory.Dispose();
        }

        private async Task KnotcAsync(params string[] command)
        {
            var (exitCode, text) = await Tool.RunAsync("knotc", ["-s", Socket, .. command]);
            exitCode.Should().Be(0, $"knotc {string.Join(' ', command)} said {text}");
        }

        private static void WriteZone(TempDirectory directory, uint serial, string www) =>
            directory.Write("xfr.test.zone", string.Create(CultureInfo.InvariantCulture, $"""
                $ORIGIN xfr.test.
                $TTL 300
                @ SOA ns1 hostmaster {serial} 3600 600 86400 60
                @ NS ns1
                ns1 A 192.0.2.53
                www A {www}

                """));

        private static string Config(string directory, int port, TsigKeySpec? key, IPEndPoint? notify) =>
            string.Create(CultureInfo.InvariantCulture, $"""
                server:
                    rundir: "{directory}"
                    listen: 127.0.0.1@{port}
                log:
                  - target: stderr
                    any: info
                database:
                    storage: "{directory}/db"
                {(key is null ? "" : $"""
                key:
                  - id: {key.Name}
                    algorithm: {key.Algorithm}
                    secret: {key.Secret}
                """)}
                {(notify is null ? "" : $"""
                remote:
                  - id: secondary
                    address: {notify.Address}@{notify.Port}
                    {(key is null ? "" : $"key: {key.Name}")}
                """)}
                acl:
                  - id: transfer
                    address: 127.0.0.1
                    action: transfer
                    {(key is null ? "" : $"key: {key.Name}")}
                zone:
                  - domain: {Zone}
                    file: "{directory}/xfr.test.zone"
                    zonefile-load: difference
                    journal-content: changes
                    zonefile-sync: -1
                    acl: transfer
                    {(notify is null ? "" : "notify: secondary")}
                """);
    }
}
