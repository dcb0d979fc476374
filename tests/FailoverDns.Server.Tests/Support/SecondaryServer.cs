using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FailoverDns.Protocol;
using FailoverDns.Testing;

namespace FailoverDns.Server.Tests.Support;

public enum SecondaryKind
{
    Knot,
    Nsd,
    Bind,
}

/// <summary>A TSIG key as the three daemons configure it: algorithm e.g. hmac-sha256, secret in base64.</summary>
internal sealed record TsigKeySpec(string Name, string Algorithm, string Secret);

/// <summary>
/// A real Knot, NSD or BIND running as a secondary of <c>primary</c> on a free loopback port, its
/// config, zone file, journal and pid file in a temp directory (nothing under /etc or /var): it
/// transfers the zone from the primary, accepts NOTIFY from the primary's address and answers
/// queries. Its log says what it did; <see cref="SawAxfr"/> and <see cref="SawIxfr"/> read it.
/// NSD does not log whether a transfer was AXFR or IXFR, so for NSD the primary is reached through
/// a TCP relay here that notes each transfer request and the shape of its reply in <see cref="Log"/>.
/// </summary>
internal sealed class SecondaryServer : IAsyncDisposable
{
    private readonly TempDirectory _directory;
    private readonly Daemon _daemon;
    private readonly TransferTap? _tap;

    private SecondaryServer(SecondaryKind kind, string zone, int port, TempDirectory directory, Daemon daemon, TransferTap? tap)
    {
        Kind = kind;
        Zone = zone;
        Port = port;
        _directory = directory;
        _daemon = daemon;
        _tap = tap;
    }

    public SecondaryKind Kind { get; }

    public string Zone { get; }

    public int Port { get; }

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    /// <summary>Everything the daemon logged so far (stdout, stderr, NSD's log file), then the relay's notes for NSD.</summary>
    public string Log
    {
        get
        {
            var log = _daemon.Output;
            var file = Path.Combine(_directory.Path, "nsd.log");
            if (File.Exists(file))
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(stream);
                log += "\n" + reader.ReadToEnd();
            }

            return _tap is null ? log : log + "\n" + _tap.Notes;
        }
    }

    /// <summary>Whether a full zone came in: an AXFR, or an IXFR the primary answered AXFR-style.</summary>
    public bool SawAxfr => FullTransfers > 0;

    /// <summary>Whether an incremental transfer came in (an IXFR answered with differences, not the whole zone).</summary>
    public bool SawIxfr => IncrementalTransfers > 0;

    /// <summary>How many full zones came in, by its log.</summary>
    public int FullTransfers => Kind switch
    {
        // "[z.] AXFR, incoming, remote 127.0.0.1@P, finished, ..." (an AXFR-style IXFR logs this too, after "receiving AXFR-style IXFR")
        SecondaryKind.Knot => Lines().Count(l => l.Contains("AXFR, incoming", StringComparison.Ordinal) && l.Contains("finished", StringComparison.Ordinal)),
        // "transfer of 'z/IN' from 127.0.0.1#P: got nonincremental response" (named -d 3)
        SecondaryKind.Bind => Lines().Count(l => l.Contains("got nonincremental response", StringComparison.Ordinal)),
        _ => Lines().Count(l => l.Contains("relay:", StringComparison.Ordinal) && l.Contains("full zone", StringComparison.Ordinal)),
    };

    /// <summary>How many incremental transfers came in, by its log.</summary>
    public int IncrementalTransfers => Kind switch
    {
        // "[z.] IXFR, incoming, remote 127.0.0.1@P, finished, ..." unless it was AXFR-style
        SecondaryKind.Knot => Lines().Count(l => l.Contains("IXFR, incoming", StringComparison.Ordinal) && l.Contains("finished", StringComparison.Ordinal))
            - Lines().Count(l => l.Contains("receiving AXFR-style IXFR", StringComparison.Ordinal)),
        // "transfer of 'z/IN' from 127.0.0.1#P: got incremental response" (named -d 3)
        SecondaryKind.Bind => Lines().Count(l => l.Contains("got incremental response", StringComparison.Ordinal)),
        _ => Lines().Count(l => l.Contains("relay:", StringComparison.Ordinal) && l.Contains(", incremental", StringComparison.Ordinal)),
    };

    /// <summary>
    /// Starts <paramref name="kind"/> as a secondary for <paramref name="zone"/> of <paramref name="primary"/>
    /// (on <paramref name="listenPort"/>, or a free one); returns once it answers queries. With
    /// <paramref name="replication"/> (Knot and NSD: the README's key, remote, acl and zone sections, its
    /// addresses already the test's), that text is the daemon's replication config as it is, and the
    /// harness adds only where it listens, logs and keeps its files.
    /// </summary>
    public static async Task<SecondaryServer> StartAsync(SecondaryKind kind, string zone, IPEndPoint primary, TsigKeySpec? key = null, int? listenPort = null, string? replication = null)
    {
        zone = zone.TrimEnd('.');
        var directory = new TempDirectory();
        TransferTap? tap = null;
        try
        {
            var port = listenPort ?? FreePort.Next();
            Daemon daemon;
            switch (kind)
            {
                case SecondaryKind.Knot:
                    Directory.CreateDirectory(Path.Combine(directory.Path, "db"));
                    var knot = directory.Write("knot.conf", replication is null ? KnotConfig(directory.Path, port, zone, primary, key) : KnotBase(directory.Path, port) + replication);
                    daemon = await Daemon.StartAsync("knotd", "knot", port, zone, "-c", knot);
                    break;
                case SecondaryKind.Nsd:
                    tap = new TransferTap(primary);
                    var nsd = directory.Write("nsd.conf", replication is null
                        ? NsdConfig(directory.Path, port, zone, primary.Address, tap.EndPoint, key)
                        : NsdBase(directory.Path, port) + "\n" + replication.Replace($"request-xfr: {primary.Address}@{primary.Port}", $"request-xfr: {tap.EndPoint.Address}@{tap.EndPoint.Port}", StringComparison.Ordinal));
                    daemon = await Daemon.StartAsync("nsd", "nsd", port, zone, "-d", "-c", nsd);
                    break;
                case SecondaryKind.Bind:
                    var named = directory.Write("named.conf", BindConfig(directory.Path, port, zone, primary, key));
                    daemon = await Daemon.StartAsync("named", "bind9", port, zone, "-g", "-4", "-d", "3", "-c", named);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
            }

            return new SecondaryServer(kind, zone, port, directory, daemon, tap);
        }
        catch
        {
            if (tap is not null)
            {
                await tap.DisposeAsync();
            }

            directory.Dispose();
            throw;
        }
    }

    /// <summary>Its answer over UDP as text: the rcode, then the answer records ("NOERROR | www.z. 300 IN A 192.0.2.1").</summary>
    public Task<string> AskAsync(string name, RecordType type = RecordType.A) => DnsAnswers.AskAsync(EndPoint, name, type);

    /// <summary>The SOA serial it serves for the zone; null while it has no zone (SERVFAIL, REFUSED, no reply).</summary>
    public async Task<uint?> SerialAsync()
    {
        using var client = new UdpClient(AddressFamily.InterNetwork);
        var query = Queries.Build(Zone, RecordType.SOA, id: (ushort)Random.Shared.Next(1, ushort.MaxValue), recursionDesired: false);
        var reply = await UdpExchange.TryAsync(client, EndPoint, query, TimeSpan.FromSeconds(1));
        if (reply is null || !DnsMessage.TryParse(reply, out var message) || message!.ResponseCode != 0)
        {
            return null;
        }

        // SERIAL is the first of the five 32-bit fields that end the SOA RDATA (RFC 1035 §3.3.13).
        return message.Answers.FirstOrDefault(r => r.Type == RecordType.SOA) is { Data.Length: >= 20 } soa
            ? BinaryPrimitives.ReadUInt32BigEndian(soa.Data.AsSpan(soa.Data.Length - 20))
            : null;
    }

    /// <summary>Waits (bounded, <see cref="Poll.Deadline"/> unless given) until it serves <paramref name="serial"/>; the failure carries its log.</summary>
    public async Task WaitForSerialAsync(uint serial, TimeSpan? deadline = null)
    {
        try
        {
            await Poll.UntilAsync(SerialAsync, s => s == serial, $"serial {serial} from {Kind}", deadline);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\n{Kind} log:\n{Log}", e);
        }
    }

    /// <summary>Waits (bounded) until its log contains <paramref name="text"/>; the failure carries the log.</summary>
    public Task WaitForLogAsync(string text, TimeSpan? deadline = null) =>
        WaitForAsync(s => s.Log.Contains(text, StringComparison.Ordinal), $"'{text}' in the log", deadline);

    /// <summary>
    /// Waits (bounded) until <paramref name="condition"/> holds, e.g. <c>s => s.SawIxfr</c>: the daemon
    /// may serve the new serial a moment before its log line arrives. The failure carries the log.
    /// </summary>
    public async Task WaitForAsync(Func<SecondaryServer, bool> condition, string what, TimeSpan? deadline = null)
    {
        try
        {
            await Poll.UntilAsync(() => condition(this), $"{what} from {Kind}", deadline);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\n{Kind} log:\n{Log}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _daemon.DisposeAsync();
        if (_tap is not null)
        {
            await _tap.DisposeAsync();
        }

        _directory.Dispose();
    }

    public override string ToString() => $"{Kind} secondary on {EndPoint}";

    private string[] Lines() => Log.Split('\n');

    /// <summary>Where a Knot secondary listens, logs and keeps its zones: what a README snippet leaves to the site.</summary>
    private static string KnotBase(string directory, int port) =>
        string.Create(CultureInfo.InvariantCulture, $"""
            server:
                rundir: "{directory}"
                listen: 127.0.0.1@{port}
            log:
              - target: stderr
                any: debug
            database:
                storage: "{directory}/db"
            template:
              - id: default
                storage: "{directory}"
                journal-content: changes
                zonefile-sync: -1

            """);

    private static string KnotConfig(string directory, int port, string zone, IPEndPoint primary, TsigKeySpec? key) =>
        string.Create(CultureInfo.InvariantCulture, $"""
            server:
                rundir: "{directory}"
                listen: 127.0.0.1@{port}
            log:
              - target: stderr
                any: debug
            database:
                storage: "{directory}/db"
            {(key is null ? "" : $"""
            key:
              - id: {key.Name}
                algorithm: {key.Algorithm}
                secret: {key.Secret}
            """)}
            remote:
              - id: primary
                address: {primary.Address}@{primary.Port}
                {(key is null ? "" : $"key: {key.Name}")}
            acl:
              - id: notify-from-primary
                address: {primary.Address}
                action: notify
                {(key is null ? "" : $"key: {key.Name}")}
            zone:
              - domain: {zone}
                master: primary
                acl: notify-from-primary
                file: "{directory}/{zone}.zone"
                journal-content: changes
                zonefile-sync: -1
            """);

    /// <summary>Where an NSD secondary listens, logs and keeps its files: what a README snippet leaves to the site.</summary>
    private static string NsdBase(string directory, int port) =>
        string.Create(CultureInfo.InvariantCulture, $"""
            server:
                ip-address: 127.0.0.1@{port}
                port: {port}
                pidfile: "{directory}/nsd.pid"
                zonesdir: "{directory}"
                xfrdfile: "{directory}/xfrd.state"
                xfrdir: "{directory}"
                zonelistfile: "{directory}/zone.list"
                database: ""
                username: ""
                chroot: ""
                logfile: "{directory}/nsd.log"
                verbosity: 2
                # By default NSD waits 1 s after a transfer before its server processes serve it.
                xfrd-reload-timeout: 0
            remote-control:
                control-enable: no
            """);

    private static string NsdConfig(string directory, int port, string zone, IPAddress primary, IPEndPoint transfersFrom, TsigKeySpec? key) =>
        NsdBase(directory, port) + "\n" + string.Create(CultureInfo.InvariantCulture, $"""
            {(key is null ? "" : $"""
            key:
                name: {key.Name}
                algorithm: {key.Algorithm}
                secret: "{key.Secret}"
            """)}
            zone:
                name: {zone}
                zonefile: "{directory}/{zone}.zone"
                request-xfr: {transfersFrom.Address}@{transfersFrom.Port} {key?.Name ?? "NOKEY"}
                allow-notify: {primary} {key?.Name ?? "NOKEY"}
            """);

    private static string BindConfig(string directory, int port, string zone, IPEndPoint primary, TsigKeySpec? key) =>
        string.Create(CultureInfo.InvariantCulture, $$"""
            {{(key is null ? "" : $$"""key "{{key.Name}}" { algorithm {{key.Algorithm}}; secret "{{key.Secret}}"; };""")}}
            options {
                directory "{{directory}}";
                listen-on port {{port}} { 127.0.0.1; };
                listen-on-v6 { none; };
                pid-file "{{directory}}/named.pid";
                session-keyfile "{{directory}}/session.key";
                managed-keys-directory "{{directory}}";
                allow-query { any; };
                recursion no;
                dnssec-validation no;
                notify no;
            };
            controls { };
            zone "{{zone}}" {
                type secondary;
                primaries port {{primary.Port}} { {{primary.Address}}{{(key is null ? "" : $" key \"{key.Name}\"")}}; };
                allow-notify { {{primary.Address}}; };
                file "{{directory}}/{{zone}}.db";
            };
            """);

    /// <summary>
    /// A TCP relay to the primary that notes, per connection, the transfer asked for and the shape
    /// of the first reply: "full zone" (AXFR, or AXFR-style IXFR), "incremental" or "up to date".
    /// </summary>
    private sealed class TransferTap : IAsyncDisposable
    {
        private readonly IPEndPoint _primary;
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentQueue<string> _notes = new();
        private readonly Task _accepting;

        public TransferTap(IPEndPoint primary)
        {
            _primary = primary;
            _listener.Start();
            _accepting = AcceptAsync();
        }

        public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

        public string Notes => string.Join('\n', _notes);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            try
            {
                await _accepting;
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Stopped.
            }

            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = RelayAsync(client);
            }
        }

        private async Task RelayAsync(TcpClient client)
        {
            using (client)
            using (var upstream = new TcpClient(AddressFamily.InterNetwork))
            {
                try
                {
                    await upstream.ConnectAsync(_primary, _stop.Token);
                    var asked = new TaskCompletionSource<RecordType>(TaskCreationOptions.RunContinuationsAsynchronously);
                    var up = PumpAsync(client.GetStream(), upstream.GetStream(), first =>
                    {
                        asked.TrySetResult(DnsMessage.TryParse(first, out var query) && query!.Questions.Count == 1 ? query.Questions[0].Type : 0);
                        return Task.CompletedTask;
                    });
                    var down = PumpAsync(upstream.GetStream(), client.GetStream(), async first => Note(await asked.Task, first));
                    await Task.WhenAny(up, down);
                }
                catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
                {
                    // One side closed or the tap stopped: the connection ends.
                }
            }
        }

        private void Note(RecordType asked, byte[] reply)
        {
            if (!DnsMessage.TryParse(reply, out var message))
            {
                _notes.Enqueue($"relay: {asked} request, reply unparsable ({reply.Length} bytes)");
                return;
            }

            var rcode = RcodeNames.ToName(message!.ResponseCode);
            var answers = message.Answers;
            var shape = asked is not (RecordType.AXFR or RecordType.IXFR) ? "not a transfer"
                : rcode != "NOERROR" || answers.Count == 0 ? "no data"
                : asked == RecordType.IXFR && answers.Count == 1 && answers[0].Type == RecordType.SOA ? "up to date"
                : asked == RecordType.IXFR && answers.Count >= 2 && answers[1].Type == RecordType.SOA ? "incremental"
                : "full zone";
            _notes.Enqueue($"relay: {asked} request, reply {rcode}, {shape}");
        }

        private async Task PumpAsync(NetworkStream from, NetworkStream to, Func<byte[], Task> first)
        {
            var length = new byte[2];
            var isFirst = true;
            while (true)
            {
                await from.ReadExactlyAsync(length, _stop.Token);
                var message = new byte[BinaryPrimitives.ReadUInt16BigEndian(length)];
                await from.ReadExactlyAsync(message, _stop.Token);
                if (isFirst)
                {
                    isFirst = false;
                    _ = first(message);
                }

                await to.WriteAsync(length, _stop.Token);
                await to.WriteAsync(message, _stop.Token);
            }
        }
    }
}
