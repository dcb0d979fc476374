using System.Runtime.CompilerServices;
using FailoverDns.Protocol;
using FailoverDns.Server.Metrics;
using FailoverDns.Zones;
using FailoverDns.Zones.Lookup;
using FailoverDns.Zones.Model;

namespace FailoverDns.Server.Query;

/// <summary>
/// Turns one request into one reply, in place and without allocating: parse, look up in the
/// current snapshot, assemble Answer, Authority and Additional under the client's size limit.
/// </summary>
public sealed class QueryProcessor(ZoneStore store, QueryMetrics? metrics = null)
{
    /// <summary>How many CNAMEs are followed inside a zone before the chain is cut.</summary>
    public const int MaxCnameChain = 8;

    /// <summary>Replies over UDP never exceed what we advertise, whatever the client offers (RFC 6891 §6.2.5).</summary>
    public const int MaxUdpResponse = Edns.AdvertisedPayloadSize;

    /// <summary>The reply without EDNS is limited to 512 bytes (RFC 1035 §4.2.1).</summary>
    public const int ClassicUdpLimit = 512;

    public const int MaxTcpResponse = ushort.MaxValue;

    /// <summary>Writes the reply to <paramref name="query"/> into <paramref name="response"/>; 0 means send nothing.</summary>
    public int Process(ReadOnlySpan<byte> query, Span<byte> response, bool overTcp)
    {
        var started = metrics?.Start() ?? 0;
        Span<byte> questionName = stackalloc byte[DnsName.MaxLength];
        var status = QueryParser.Parse(query, questionName, out var request);
        if (status == QueryParseStatus.Ignore)
        {
            return 0;
        }

        var header = request.Header;
        var flags = (ushort)(DnsHeader.QueryResponseFlag | (header.Flags & 0x7800) | (header.Flags & DnsHeader.RecursionDesiredFlag));
        var limit = overTcp
            ? MaxTcpResponse
            : request.HasEdns ? Math.Clamp((int)request.PayloadSize, ClassicUdpLimit, MaxUdpResponse) : ClassicUdpLimit;
        var withOpt = status == QueryParseStatus.Ok && request.HasEdns;
        var writer = new ResponseWriter(response, limit - (withOpt ? ResponseWriter.OptSize : 0));
        var name = questionName[..request.NameLength];
        if (request.HasQuestion)
        {
            writer.TryWriteQuestion(name, (ushort)request.Type, request.Class);
        }

        ResponseCode rcode;
        if (status == QueryParseStatus.Malformed)
        {
            rcode = ResponseCode.FormErr;
        }
        else if (header.OpCode != OpCode.Query)
        {
            rcode = ResponseCode.NotImp;
        }
        else if (request.HasEdns && request.EdnsVersion > 0)
        {
            rcode = ResponseCode.BadVers; // RFC 6891 §6.1.3
        }
        else if (request.Class is not ((ushort)RecordClass.IN or (ushort)RecordClass.ANY))
        {
            rcode = ResponseCode.Refused;
        }
        else if (request.Type is RecordType.AXFR or RecordType.IXFR)
        {
            // Zone transfers are not offered; over UDP they are not even defined (RFC 5936 §4.2).
            rcode = overTcp ? ResponseCode.Refused : ResponseCode.NotImp;
        }
        else
        {
            rcode = Answer(ref writer, name, request.Type, ref flags);
        }

        if (withOpt)
        {
            writer.WriteOpt((byte)((int)rcode >> 4), request.DnssecOk);
        }

        writer.WriteHeader(header.Id, (ushort)(flags | ((int)rcode & 0xF)));
        metrics?.Record(overTcp, request.HasQuestion ? request.Type : null, rcode, writer.Position, (flags & DnsHeader.TruncatedFlag) != 0, started);
        return writer.Position;
    }

    private ResponseCode Answer(ref ResponseWriter writer, scoped ReadOnlySpan<byte> questionName, RecordType type, ref ushort flags)
    {
        var snapshot = store.Current;
        Span<byte> current = stackalloc byte[DnsName.MaxLength];
        questionName.CopyTo(current);
        DnsName.ToLowerInPlace(current[..questionName.Length]);
        var currentLength = questionName.Length;
        var ownerOffset = DnsHeader.Size; // the question name: answers to it point there
        var visited = default(VisitedNodes);
        Zone? zone = null;

        for (var step = 0; ; step++)
        {
            var result = ZoneLookup.Find(snapshot, current[..currentLength], type);
            if (step == 0)
            {
                if (result.Outcome == LookupOutcome.Refused)
                {
                    return ResponseCode.Refused;
                }

                zone = result.Zone;
                if (result.Outcome is not (LookupOutcome.Referral or LookupOutcome.ServFail))
                {
                    flags |= DnsHeader.AuthoritativeFlag;
                }
            }
            else if (result.Zone != zone || result.Outcome is LookupOutcome.Referral or LookupOutcome.Refused)
            {
                // A CNAME leaving the zone is answered as it is; the resolver follows it (RFC 1034 §4.3.2).
                return ResponseCode.NoError;
            }

            switch (result.Outcome)
            {
                case LookupOutcome.ServFail:
                    return ResponseCode.ServFail; // a failover set with no healthy tier, by its policy
                case LookupOutcome.Referral:
                    var cutOffset = ownerOffset + currentLength - result.Node!.Name.Length;
                    var nsStart = writer.TryWriteRRset(result.RRset!, cutOffset);
                    if (nsStart < 0)
                    {
                        flags |= DnsHeader.TruncatedFlag;
                        return ResponseCode.NoError;
                    }

                    writer.AuthorityCount += (ushort)result.RRset!.Count;
                    WriteAdditional(ref writer, snapshot, result.RRset, nsStart);
                    return ResponseCode.NoError;
                case LookupOutcome.NxDomain or LookupOutcome.NoData:
                    var apexOffset = ownerOffset + currentLength - result.Zone!.Origin.Length;
                    if (writer.TryWriteRRset(result.Zone.NegativeSoa, apexOffset) < 0)
                    {
                        flags |= DnsHeader.TruncatedFlag;
                    }
                    else
                    {
                        writer.AuthorityCount++;
                    }

                    return result.Outcome == LookupOutcome.NxDomain ? ResponseCode.NxDomain : ResponseCode.NoError;
            }

            var rrset = result.RRset!;
            if (visited.Contains(result.Node!, step))
            {
                return ResponseCode.NoError; // a CNAME loop: stop where it closes, as Knot does
            }

            var start = writer.TryWriteRRset(rrset, ownerOffset);
            if (start < 0)
            {
                flags |= DnsHeader.TruncatedFlag;
                return ResponseCode.NoError;
            }

            writer.AnswerCount += (ushort)rrset.Count;
            var followCname = rrset.Type == RecordType.CNAME && type is not (RecordType.CNAME or RecordType.ANY);
            if (!followCname)
            {
                WriteAdditional(ref writer, snapshot, rrset, start);
                return ResponseCode.NoError;
            }

            if (step + 1 >= MaxCnameChain)
            {
                return ResponseCode.NoError;
            }

            visited[step] = result.Node;

            // The target sits uncompressed in the CNAME's RDATA: later owners point there.
            var target = rrset.CnameTarget;
            ownerOffset = start + ResponseWriter.RecordDataOffset;
            currentLength = target.Length;
            target.CopyTo(current);
            DnsName.ToLowerInPlace(current[..currentLength]);
        }
    }

    /// <summary>Addresses of in-zone NS/MX/SRV targets; dropped silently when they do not fit (RFC 1035 §4.1).</summary>
    private static void WriteAdditional(ref ResponseWriter writer, ZoneSnapshot snapshot, RRset rrset, int start)
    {
        foreach (var target in rrset.Additional)
        {
            var nameOffset = start + rrset.RecordOffsets[target.RecordIndex] + target.NameOffset;
            WriteAddresses(ref writer, snapshot.Resolve(target.A), nameOffset);
            WriteAddresses(ref writer, snapshot.Resolve(target.Aaaa), nameOffset);
        }
    }

    private static void WriteAddresses(ref ResponseWriter writer, RRset? addresses, int nameOffset)
    {
        // A failover set may answer nothing (NODATA) or SERVFAIL; neither belongs in Additional.
        if (addresses is { Count: > 0 } && writer.TryWriteRRset(addresses, nameOffset) >= 0)
        {
            writer.AdditionalCount += (ushort)addresses.Count;
        }
    }

    /// <summary>The nodes a CNAME chain has passed through, to stop at the first loop.</summary>
    [InlineArray(MaxCnameChain)]
    private struct VisitedNodes
    {
        private ZoneNode? _element;

        public readonly bool Contains(ZoneNode node, int count)
        {
            for (var i = 0; i < count; i++)
            {
                if (this[i] == node)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
