using System.Buffers.Binary;
using System.Net;
using FailoverDns.Protocol;
using FailoverDns.Protocol.Tsig;
using FailoverDns.Server.Lifecycle;
using FailoverDns.Zones;
using FailoverDns.Zones.Model;
using Microsoft.Extensions.Logging;

namespace FailoverDns.Server.Transfer;

/// <summary>
/// Zone transfers over TCP (AXFR, RFC 5936; IXFR, RFC 1995) of a zone exactly as it is served at
/// that moment: one snapshot from the first message to the last, each failover set with the answer
/// it gives now. An IXFR gets the difference from the client's serial to the current one, condensed
/// into one step (RFC 1995 §5), while <see cref="ZoneSerials"/> still holds that version; the SOA
/// alone when the client is up to date; otherwise the whole zone (RFC 1995 §4). Only clients the
/// zone's <c>transfer.allow</c> names get anything; everyone else is refused.
/// </summary>
public sealed partial class ZoneTransferService(ZoneStore zones, ZoneSerials serials, TsigKeyRing keys, SecondaryStatus status, TimeProvider time, ILogger<ZoneTransferService> logger)
{
    /// <summary>A message is sent once it passes this size: a few dozen records each, well below 64 KiB.</summary>
    private const int MessageTarget = 16 * 1024;
    private const int MaxMessage = ushort.MaxValue;

    /// <summary>Room for a TSIG record: key and algorithm names, times, a MAC of up to 64 bytes.</summary>
    private const int TsigRoom = 600;

    private readonly LogRateLimiter _refusals = new(TimeSpan.FromSeconds(10), time);

    /// <summary>True when <paramref name="query"/> asks for a zone transfer: what the TCP listener hands here instead of answering it.</summary>
    public static bool IsTransferRequest(ReadOnlySpan<byte> query)
    {
        if (!DnsHeader.TryRead(query, out var header) || header.IsResponse || header.OpCode != OpCode.Query || header.QuestionCount != 1)
        {
            return false;
        }

        var position = DnsHeader.Size;
        while (position < query.Length && query[position] != 0)
        {
            if ((query[position] & 0xC0) != 0)
            {
                return false;
            }

            position += query[position] + 1;
        }

        return position + 3 <= query.Length - 1
            && (RecordType)BinaryPrimitives.ReadUInt16BigEndian(query[(position + 1)..]) is RecordType.AXFR or RecordType.IXFR;
    }

    /// <summary>Answers the transfer request <paramref name="query"/> from <paramref name="client"/>, each message handed to <paramref name="send"/> as it is complete.</summary>
    public async Task ServeAsync(byte[] query, IPEndPoint? client, Func<ReadOnlyMemory<byte>, Task> send)
    {
        var signature = TsigExchange.VerifyRequest(query, keys, time);
        if (!DnsMessage.TryParse(query, out var request) || request!.Questions.Count != 1 || signature.Status == TsigStatus.FormErr)
        {
            await send(Reply(query, ResponseCode.FormErr));
            return;
        }

        if (signature.Status is not (TsigStatus.Ok or TsigStatus.NoTsig))
        {
            // RFC 8945 §5.2: NOTAUTH with the TSIG error, signed only where the key was good (BADTIME).
            if (_refusals.TryAcquire(out _))
            {
                LogBadSignature(logger, client, signature.Status.ToString());
            }

            var error = Reply(query, ResponseCode.NotAuth);
            var buffer = new byte[error.Length + TsigRoom];
            error.CopyTo(buffer, 0);
            await send(TsigExchange.TrySignResponse(buffer, error.Length, signature, time, out var signedLength) ? buffer[..signedLength] : error);
            return;
        }

        var question = request.Questions[0];
        var snapshot = zones.Current;
        var zone = snapshot.Zones.FirstOrDefault(z => DnsName.EqualsIgnoreCase(z.Origin, question.Name));
        var kind = question.Type == RecordType.IXFR ? "IXFR" : "AXFR";
        if (zone is null || question.Class != (ushort)RecordClass.IN)
        {
            // Not a zone served here (RFC 5936 §2.2.1 allows REFUSED, as for any other query).
            await send(Reply(query, ResponseCode.Refused));
            return;
        }

        var keyName = signature.Key is { } key ? DnsName.ToText(key.Name) : null;
        if (zone.Transfer is not { } transfer || client is null || !transfer.Admits(client.Address, keyName))
        {
            if (_refusals.TryAcquire(out var suppressed))
            {
                LogRefused(logger, kind, zone.Name, client, keyName ?? "none", suppressed);
            }

            await send(Reply(query, ResponseCode.Refused));
            return;
        }

        var soa = snapshot.Soa(zone);
        var serial = snapshot.Serial(zone);

        // RFC 1995 §2: the client's SOA in the authority section says which serial it has.
        var (what, contents) = (question.Type, request.Authorities.FirstOrDefault(r => r.Type == RecordType.SOA)) switch
        {
            (RecordType.IXFR, { } known) when RDataCodec.SoaSerial(known.Data) == serial =>
                ("IXFR, up to date: the SOA alone", [(zone.Origin, soa)]),
            (RecordType.IXFR, { } known) when serials.TryGetVersion(zone, RDataCodec.SoaSerial(known.Data), out var version) =>
                ($"IXFR, the changes since {RDataCodec.SoaSerial(known.Data)}", Difference(version, snapshot, zone, soa)),
            (RecordType.IXFR, _) => ("IXFR, the whole zone (the client's serial is not in the history)", Contents(snapshot, zone, soa)),
            _ => ("AXFR, the whole zone", Contents(snapshot, zone, soa)),
        };
        var records = 0;
        using var signer = signature.Status == TsigStatus.Ok ? TsigResponseSigner.For(signature, time) : null;
        foreach (var message in Messages(request, zone, contents))
        {
            records += BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(6));
            await send(signer is null ? message : Sign(signer, message));
        }

        status.Transferred(zone.Name, client.Address, what, serial, time.GetUtcNow());
        LogServed(logger, zone.Name, client, serial, what, records);
    }

    /// <summary>Every message of a signed transfer is signed (RFC 8945 §5.3.1), each MAC chained to the one before.</summary>
    private static byte[] Sign(TsigResponseSigner signer, byte[] message)
    {
        var buffer = new byte[message.Length + TsigRoom];
        message.CopyTo(buffer, 0);
        return signer.TrySign(buffer, message.Length, out var written) ? buffer[..written] : throw new InvalidOperationException("a transfer message could not be signed");
    }

    /// <summary>
    /// One condensed IXFR step from <paramref name="before"/> to <paramref name="now"/> (RFC 1995 §4):
    /// the current SOA, the old SOA and the RRsets that went, the current SOA and those that came, and
    /// the current SOA to close. Within one load of the zone only failover answers, and in a signed
    /// zone their NSECs and the signatures, change; both versions list their RRsets in one order.
    /// </summary>
    private static IEnumerable<(byte[] Owner, RRset RRset)> Difference(ZoneSnapshot before, ZoneSnapshot now, Zone zone, RRset soa)
    {
        var changed = Served(before, zone).Zip(Served(now, zone), (old, added) => (old.Owner, Old: old.RRset, New: added.RRset))
            .Where(c => c.Old != c.New)
            .ToList();
        yield return (zone.Origin, soa);
        yield return (zone.Origin, before.Soa(zone));
        foreach (var (owner, old, _) in changed.Where(c => c.Old is not null))
        {
            yield return (owner, old!);
        }

        yield return (zone.Origin, soa);
        foreach (var (owner, _, added) in changed.Where(c => c.New is not null))
        {
            yield return (owner, added!);
        }

        yield return (zone.Origin, soa);
    }

    /// <summary>The SOA, every other RRset of the zone as served now, and the SOA again (RFC 5936 §2.2).</summary>
    private static IEnumerable<(byte[] Owner, RRset RRset)> Contents(ZoneSnapshot snapshot, Zone zone, RRset soa) =>
        [(zone.Origin, soa), .. Served(snapshot, zone).Where(s => s.RRset is not null).Select(s => (s.Owner, s.RRset!)), (zone.Origin, soa)];

    /// <summary>
    /// Every RRset of the zone as served, the SOA apart, in an order fixed by the build, and in a signed
    /// zone with the RRSIGs of each, every NSEC with its RRSIGs and the SOA's RRSIGs. Null where nothing
    /// is served: a set answering NODATA has no records, and one answering SERVFAIL cannot be written in
    /// a zone, so its secondaries answer NODATA for it (documented).
    /// </summary>
    private static IEnumerable<(byte[] Owner, RRset? RRset)> Served(ZoneSnapshot snapshot, Zone zone)
    {
        foreach (var node in zone.Nodes)
        {
            foreach (var rrset in node.RRsets)
            {
                if (rrset.Type != RecordType.SOA)
                {
                    var served = snapshot.Resolve(rrset) is { } s && s != RRset.ServFail ? s : null;
                    yield return (node.Name, served);
                    yield return (node.Name, served is null ? null : snapshot.Signatures(served));
                }
            }

            var nsec = snapshot.Nsec(node);
            yield return (node.Name, nsec);
            yield return (node.Name, nsec is null ? null : snapshot.Signatures(nsec));
        }

        yield return (zone.Origin, snapshot.Signatures(snapshot.Soa(zone)));
    }

    /// <summary>The records packed into messages of about <see cref="MessageTarget"/> bytes, each with the question (RFC 5936 §2.2.1).</summary>
    private static IEnumerable<byte[]> Messages(DnsMessage request, Zone zone, IEnumerable<(byte[] Owner, RRset RRset)> contents)
    {
        var buffer = new byte[MaxMessage];
        var writer = Start(buffer, request);
        var count = 0;
        foreach (var (owner, rrset) in contents)
        {
            foreach (var data in rrset.Data)
            {
                var record = new DnsRecord(owner, rrset.Type, (ushort)RecordClass.IN, rrset.Ttl, data);
                if (writer.Position > MessageTarget || !writer.TryWriteRecord(record))
                {
                    yield return Finish(buffer, writer.Position, count);
                    writer = Start(buffer, request);
                    count = 0;
                    if (!writer.TryWriteRecord(record))
                    {
                        throw new InvalidOperationException($"a record of {zone.Name} does not fit in a message");
                    }
                }

                count++;
            }
        }

        yield return Finish(buffer, writer.Position, count);
    }

    private static DnsMessageWriter Start(byte[] buffer, DnsMessage request)
    {
        var writer = new DnsMessageWriter(buffer);
        var question = request.Questions[0];
        writer.TryWriteHeader(new DnsHeader(request.Header.Id, DnsHeader.QueryResponseFlag | DnsHeader.AuthoritativeFlag, 1, 0, 0, 0));
        writer.TryWriteName(question.Name);
        writer.TryWriteUInt16((ushort)question.Type);
        writer.TryWriteUInt16(question.Class);
        return writer;
    }

    private static byte[] Finish(byte[] buffer, int length, int answers)
    {
        BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(6), (ushort)answers);
        return buffer[..length];
    }

    /// <summary>A reply with no records: the question echoed and <paramref name="rcode"/>.</summary>
    private static byte[] Reply(byte[] query, ResponseCode rcode)
    {
        DnsHeader.TryRead(query, out var header);
        var reply = new byte[Math.Min(query.Length, MaxMessage)];
        query.AsSpan(0, reply.Length).CopyTo(reply);
        var questionEnd = DnsHeader.Size;
        if (header.QuestionCount == 1 && DnsMessage.TryParse(query, out var parsed) && parsed!.Questions.Count == 1)
        {
            questionEnd += parsed.Questions[0].Name.Length + 4;
        }

        var flags = (ushort)(DnsHeader.QueryResponseFlag | (header.Flags & 0x7800) | ((int)rcode & 0xF));
        new DnsHeader(header.Id, flags, (ushort)(questionEnd > DnsHeader.Size ? 1 : 0), 0, 0, 0).TryWrite(reply);
        return reply[..questionEnd];
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Transfer of {Zone} (serial {Serial}) to {Client}: {What}, {Records} records")]
    private static partial void LogServed(ILogger logger, string zone, IPEndPoint? client, uint serial, string what, int records);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} of {Zone} refused to {Client} (TSIG key: {Key}): not admitted by the zone's transfer.allow and transfer.keys; {Suppressed} more refused since the last such line (at most one per 10 s)")]
    private static partial void LogRefused(ILogger logger, string kind, string zone, IPEndPoint? client, string key, long suppressed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transfer request from {Client} refused: its TSIG signature failed ({Status})")]
    private static partial void LogBadSignature(ILogger logger, IPEndPoint? client, string status);
}
