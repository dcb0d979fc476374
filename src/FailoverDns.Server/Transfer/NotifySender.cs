using System.Net;
using System.Net.Sockets;
using FailoverDns.Protocol;
using FailoverDns.Protocol.Tsig;
using FailoverDns.Zones;
using FailoverDns.Zones.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FailoverDns.Server.Transfer;

/// <summary>
/// Tells each zone's secondaries (<c>transfer.notify</c>) of every new serial by NOTIFY over UDP
/// (RFC 1996), retried with backoff until one answers: 1 s, 2 s, 4 s … up to a minute between tries.
/// A newer serial replaces a pending one, so a secondary that is down costs one NOTIFY a minute, not one
/// per switch; it asks for the SOA when it is back anyway. Where the zone's transfers need a TSIG key,
/// the first of them signs each NOTIFY and the answer must be signed with it.
/// </summary>
public sealed partial class NotifySender(ZoneStore zones, ZoneSerials serials, TsigKeyRing keys, SecondaryStatus status, TimeProvider time, ILogger<NotifySender> logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan FirstWait = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestWait = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Zone, IPEndPoint Secondary), (Zone Zone, uint Serial, CancellationTokenSource Cancel)> _pending = [];
    private readonly CancellationTokenSource _stop = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        serials.Changed += OnSerialChanged;

        // A start gives every transferred zone a new serial: its secondaries hear of it at once.
        var snapshot = zones.Current;
        foreach (var zone in snapshot.Zones.Where(z => z.SerialFollowsChanges))
        {
            OnSerialChanged(zone, snapshot.Serial(zone));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        serials.Changed -= OnSerialChanged;
        _stop.Cancel();
        return Task.CompletedTask;
    }

    public void Dispose() => _stop.Dispose();

    private void OnSerialChanged(Zone zone, uint serial)
    {
        foreach (var secondary in zone.Transfer?.Notify ?? [])
        {
            Start(zone, serial, secondary);
        }

        if (zone.Transfer is { NotifyNameservers: true })
        {
            _ = Task.Run(() => NotifyNameserversAsync(zone, serial));
        }
    }

    /// <summary>
    /// The zone's NS targets but the SOA MNAME (the primary itself, RFC 1996 §3.6), on port 53: their
    /// addresses from the zones served here where they are in one, else from the system's resolver.
    /// </summary>
    private async Task NotifyNameserversAsync(Zone zone, uint serial)
    {
        try
        {
            var snapshot = zones.Current;
            var mname = DnsName.ToLower(zone.Soa.Data[0].AsSpan(0, FirstNameLength(zone.Soa.Data[0])));
            var targets = snapshot.Resolve(snapshot.FindNode(zone.Origin)?.Find(RecordType.NS))?.Data ?? [];
            foreach (var target in targets.Select(t => DnsName.ToLower(t)).Where(t => !t.AsSpan().SequenceEqual(mname)))
            {
                IEnumerable<IPAddress> addresses = snapshot.FindNode(target) is { } node
                    ? [.. Addresses(snapshot, node, RecordType.A), .. Addresses(snapshot, node, RecordType.AAAA)]
                    : await Resolve(DnsName.ToText(target));
                foreach (var address in addresses)
                {
                    Start(zone, serial, new IPEndPoint(address, 53));
                }
            }
        }
        catch (Exception e)
        {
            LogNameserversFailed(logger, zone.Name, e);
        }
    }

    /// <summary>The length of the uncompressed name an RDATA starts with (the SOA's MNAME).</summary>
    private static int FirstNameLength(ReadOnlySpan<byte> rdata)
    {
        var position = 0;
        while (rdata[position] != 0)
        {
            position += rdata[position] + 1;
        }

        return position + 1;
    }

    private static IEnumerable<IPAddress> Addresses(ZoneSnapshot snapshot, ZoneNode node, RecordType type) =>
        (snapshot.Resolve(node.Find(type)) is { } rrset && rrset != RRset.ServFail ? rrset.Data : []).Select(d => new IPAddress(d));

    private async Task<IPAddress[]> Resolve(string name)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        return await System.Net.Dns.GetHostAddressesAsync(name.TrimEnd('.'), deadline.Token);
    }

    private void Start(Zone zone, uint serial, IPEndPoint secondary)
    {
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        lock (_gate)
        {
            if (_pending.Remove((zone.Name, secondary), out var older))
            {
                older.Cancel.Cancel();
            }

            _pending[(zone.Name, secondary)] = (zone, serial, cancel);
        }

        _ = Task.Run(() => NotifyAsync(zone, serial, secondary, cancel));
    }

    private async Task NotifyAsync(Zone zone, uint serial, IPEndPoint secondary, CancellationTokenSource cancel)
    {
        var wait = FirstWait;
        try
        {
            for (var attempt = 1; !cancel.IsCancellationRequested; attempt++)
            {
                status.Notified(zone.Name, secondary, serial, attempt, time.GetUtcNow());
                if (await TryOnceAsync(zone, serial, secondary, SigningKey(zone), wait, cancel.Token))
                {
                    status.Acknowledged(zone.Name, secondary, serial, time.GetUtcNow());
                    LogAcknowledged(logger, zone.Name, serial, secondary, attempt);
                    return;
                }

                if (attempt == 3)
                {
                    LogUnanswered(logger, zone.Name, serial, secondary, attempt);
                }

                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, LongestWait.Ticks));
            }
        }
        catch (OperationCanceledException)
        {
            // A newer serial took over, or the server stops.
        }
        finally
        {
            lock (_gate)
            {
                if (_pending.TryGetValue((zone.Name, secondary), out var mine) && mine.Cancel == cancel)
                {
                    _pending.Remove((zone.Name, secondary));
                }
            }

            cancel.Dispose();
        }
    }

    private TsigKey? SigningKey(Zone zone) =>
        zone.Transfer is { Keys.Count: > 0 } transfer ? keys.Find(DnsName.Parse(transfer.Keys[0])) : null;

    /// <summary>One NOTIFY, and up to <paramref name="wait"/> for its answer: a response with its ID and opcode (and a good signature, when signed).</summary>
    private async Task<bool> TryOnceAsync(Zone zone, uint serial, IPEndPoint secondary, TsigKey? key, TimeSpan wait, CancellationToken cancellationToken)
    {
        using var socket = new Socket(secondary.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(secondary);
        var id = (ushort)Random.Shared.Next(ushort.MaxValue + 1);
        var message = Notify(zone, serial, id);
        byte[]? mac = null;
        if (key is not null)
        {
            var signed = new byte[message.Length + 600];
            message.CopyTo(signed, 0);
            if (!TsigExchange.TrySignRequest(signed, message.Length, key, time, out var written, out mac))
            {
                throw new InvalidOperationException("a NOTIFY could not be signed");
            }

            message = signed[..written];
        }

        await socket.SendAsync(message, SocketFlags.None, cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(wait);
        var buffer = new byte[512];
        try
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
                if (DnsHeader.TryRead(buffer.AsSpan(0, read), out var header) && header.Id == id && header.IsResponse && header.OpCode == OpCode.Notify)
                {
                    if (key is null || TsigExchange.VerifyResponse(buffer.AsSpan(0, read), key, mac, time) == TsigStatus.Ok)
                    {
                        return true;
                    }

                    LogBadAnswer(logger, zone.Name, secondary, header.ResponseCode);
                    return false;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (SocketException)
        {
            // Refused (ICMP port unreachable): nobody listens there yet; the next try waits longer.
            await Task.Delay(wait, cancellationToken);
            return false;
        }
    }

    /// <summary>A NOTIFY (RFC 1996 §3.7): opcode NOTIFY, AA, the zone's SOA as the question and its new SOA as a hint.</summary>
    private static byte[] Notify(Zone zone, uint serial, ushort id)
    {
        var soa = RDataCodec.WithSoaSerial(zone.Soa.Data[0], serial);
        var message = new DnsMessage(
            new DnsHeader(id, (ushort)(((int)OpCode.Notify << 11) | DnsHeader.AuthoritativeFlag), 1, 1, 0, 0),
            [new DnsQuestion(zone.Origin, RecordType.SOA, (ushort)RecordClass.IN)],
            [new DnsRecord(zone.Origin, RecordType.SOA, (ushort)RecordClass.IN, zone.Soa.Ttl, soa)],
            [],
            [],
            null);
        return message.ToArray();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "NOTIFY of {Zone}: finding the addresses of its name servers failed")]
    private static partial void LogNameserversFailed(ILogger logger, string zone, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "NOTIFY of {Zone} serial {Serial} acknowledged by {Secondary} (try {Attempt})")]
    private static partial void LogAcknowledged(ILogger logger, string zone, uint serial, IPEndPoint secondary, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "NOTIFY of {Zone} to {Secondary}: the answer (rcode {Rcode}) is not signed with the zone's key; trying again")]
    private static partial void LogBadAnswer(ILogger logger, string zone, IPEndPoint secondary, int rcode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "NOTIFY of {Zone} serial {Serial} to {Secondary}: no answer after {Attempt} tries; trying on, backing off to once a minute")]
    private static partial void LogUnanswered(ILogger logger, string zone, uint serial, IPEndPoint secondary, int attempt);
}
