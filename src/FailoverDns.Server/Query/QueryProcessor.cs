using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using FailoverDns.Protocol;
using FailoverDns.Protocol.Tsig;
using FailoverDns.Server.Metrics;
using FailoverDns.Zones;
using FailoverDns.Zones.Lookup;
using FailoverDns.Zones.Model;

namespace FailoverDns.Server.Query;

/// <summary>
/// Turns one request into one reply, in place and without allocating: parse, resolve in the
/// current snapshot into an <see cref="AnswerPlan"/>, encode Answer, Authority and Additional under
/// the client's size limit. With a <see cref="ResponseRateLimiter"/>, UDP replies over the rate are
/// dropped or slipped out truncated; without one, that costs one test of a null reference.
/// </summary>
/// <remarks>
/// A signed query (TSIG, as secondaries send for the SOA) takes a slower path that may allocate: its
/// signature is checked, the query answered without it, and the reply signed (RFC 8945 §5.3).
/// </remarks>
public sealed class QueryProcessor(ZoneStore store, QueryMetrics? metrics = null, ResponseRateLimiter? rateLimiter = null, TsigKeyRing? keys = null, TimeProvider? clock = null)
{
    /// <summary>Replies over UDP never exceed what we advertise, whatever the client offers (RFC 6891 §6.2.5).</summary>
    public const int MaxUdpResponse = Edns.AdvertisedPayloadSize;

    /// <summary>The reply without EDNS is limited to 512 bytes (RFC 1035 §4.2.1).</summary>
    public const int ClassicUdpLimit = 512;

    public const int MaxTcpResponse = ushort.MaxValue;

    /// <summary>Without keys every signed query is answered BADKEY (RFC 8945 §5.2.1).</summary>
    private static readonly TsigKeyRing NoKeys = new([]);

    /// <summary>
    /// Writes the reply to <paramref name="query"/> into <paramref name="response"/>; 0 means send
    /// nothing. <paramref name="peer"/> is the client's sockaddr, for rate limiting UDP replies.
    /// </summary>
    public int Process(ReadOnlySpan<byte> query, Span<byte> response, bool overTcp, ReadOnlySpan<byte> peer = default)
    {
        var started = metrics?.Start() ?? 0;
        Span<byte> questionName = stackalloc byte[DnsName.MaxLength];
        var status = QueryParser.Parse(query, questionName, out var request);
        if (status == QueryParseStatus.Ignore)
        {
            return 0;
        }

        if (request.HasTsig && status == QueryParseStatus.Ok)
        {
            return ProcessSigned(query, response, overTcp, peer);
        }

        var header = request.Header;
        // Opcode, RD and CD are copied (RFC 1035 §4.1.1, RFC 4035 §3.1.6).
        var flags = (ushort)(DnsHeader.QueryResponseFlag | (header.Flags & (0x7800 | DnsHeader.RecursionDesiredFlag | DnsHeader.CheckingDisabledFlag)));
        var dnssec = request.HasEdns && request.DnssecOk;
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
        var end = AnswerPlanEnd.Refused;
        Zone? zone = null;
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
        else if (request.Type == RecordType.IXFR && !overTcp)
        {
            // RFC 1995 §2: an IXFR over UDP gets the current SOA alone, which tells the client to ask over TCP.
            rcode = Answer(ref writer, name, RecordType.SOA, dnssec, ref flags, out end, out zone);
        }
        else if (request.Type is RecordType.AXFR or RecordType.IXFR)
        {
            // Over TCP the transfer service takes them first (when zones are transferred); AXFR over UDP is not defined (RFC 5936 §4.2).
            rcode = overTcp ? ResponseCode.Refused : ResponseCode.NotImp;
        }
        else
        {
            rcode = Answer(ref writer, name, request.Type, dnssec, ref flags, out end, out zone);
        }

        if (rateLimiter is not null && !overTcp)
        {
            if (!PassesRateLimit(rateLimiter, peer, end, zone, name, request, ref writer, ref flags, response, limit, withOpt))
            {
                return 0;
            }
        }

        if (withOpt)
        {
            writer.WriteOpt((byte)((int)rcode >> 4), request.DnssecOk);
        }

        writer.WriteHeader(header.Id, (ushort)(flags | ((int)rcode & 0xF)));
        metrics?.Record(overTcp, request.HasQuestion ? request.Type : null, rcode, writer.Position, (flags & DnsHeader.TruncatedFlag) != 0, started);
        return writer.Position;
    }

    /// <summary>Checks the signature, answers the query without it, and signs the reply; a bad signature gets NOTAUTH with the TSIG error.</summary>
    private int ProcessSigned(ReadOnlySpan<byte> query, Span<byte> response, bool overTcp, ReadOnlySpan<byte> peer)
    {
        var time = clock ?? TimeProvider.System;
        var signature = TsigExchange.VerifyRequest(query, keys ?? NoKeys, time);
        var unsigned = query[..Math.Max(signature.TsigStart, DnsHeader.Size)].ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(unsigned.AsSpan(10), (ushort)(BinaryPrimitives.ReadUInt16BigEndian(unsigned.AsSpan(10)) - 1));
        var length = signature.Status switch
        {
            TsigStatus.Ok => Process(unsigned, response, overTcp, peer),
            TsigStatus.FormErr => ErrorReply(unsigned, response, ResponseCode.FormErr),
            _ => ErrorReply(unsigned, response, ResponseCode.NotAuth),
        };
        if (length == 0 || signature.Status == TsigStatus.FormErr)
        {
            return length;
        }

        // The MAC goes on the reply as sent: a reply too large for the client's limit is truncated first.
        return TsigExchange.TrySignResponse(response, length, signature, time, out var written) ? written : length;
    }

    /// <summary>The question echoed with <paramref name="rcode"/> and nothing else.</summary>
    private static int ErrorReply(ReadOnlySpan<byte> query, Span<byte> response, ResponseCode rcode)
    {
        Span<byte> name = stackalloc byte[DnsName.MaxLength];
        QueryParser.Parse(query, name, out var request);
        var writer = new ResponseWriter(response, MaxUdpResponse);
        if (request.HasQuestion)
        {
            writer.TryWriteQuestion(name[..request.NameLength], (ushort)request.Type, request.Class);
        }

        writer.WriteHeader(request.Header.Id, (ushort)(DnsHeader.QueryResponseFlag | (request.Header.Flags & 0x7800) | (int)rcode));
        return writer.Position;
    }

    /// <summary>
    /// Charges the reply to its client: true to send it as written, or rewritten as an empty
    /// truncated reply (a slip: RFC 1035 §4.1.1 TC, so a real client retries over TCP); false to drop it.
    /// </summary>
    private bool PassesRateLimit(ResponseRateLimiter limiter, scoped ReadOnlySpan<byte> peer, AnswerPlanEnd end, Zone? zone, scoped ReadOnlySpan<byte> questionName, in ParsedQuery request, ref ResponseWriter writer, ref ushort flags, Span<byte> response, int limit, bool withOpt)
    {
        var kind = end switch
        {
            AnswerPlanEnd.NoData => ResponseKind.NoData,
            AnswerPlanEnd.NxDomain => ResponseKind.NxDomain,
            AnswerPlanEnd.Referral => ResponseKind.Referral,
            AnswerPlanEnd.Refused or AnswerPlanEnd.ServFail => ResponseKind.Error,
            _ => ResponseKind.Answer,
        };

        // Answers by their name; the rest by their zone, so random names under it are one flow.
        var keyName = kind is ResponseKind.Answer or ResponseKind.NoData ? questionName : zone is null ? default : zone.Origin;
        var verdict = limiter.Check(peer, kind, keyName, (ushort)request.Type);
        if (verdict == RateLimitVerdict.Send)
        {
            return true;
        }

        metrics?.RecordRateLimited(verdict == RateLimitVerdict.Slip);
        if (verdict == RateLimitVerdict.Drop)
        {
            return false;
        }

        writer = new ResponseWriter(response, limit - (withOpt ? ResponseWriter.OptSize : 0));
        if (request.HasQuestion)
        {
            // The name is still in place in the reply, where the first writer put it.
            writer.TryWriteQuestion(response.Slice(DnsHeader.Size, request.NameLength), (ushort)request.Type, request.Class);
        }

        flags |= DnsHeader.TruncatedFlag;
        return true;
    }

    private ResponseCode Answer(ref ResponseWriter writer, scoped ReadOnlySpan<byte> questionName, RecordType type, bool dnssec, ref ushort flags, out AnswerPlanEnd end, out Zone? zone)
    {
        var plan = AnswerResolver.Resolve(store.Current, questionName, type, dnssec);
        end = plan.End;
        zone = plan.Zone;
        if (plan.IsAuthoritative)
        {
            flags |= DnsHeader.AuthoritativeFlag;
        }

        // Answer first, then Authority (a referral's DS joins it after a CNAME chain), then the NSEC
        // proofs; each entry's start is kept for the owners that point into it.
        var starts = default(EntryStarts);
        var entries = plan.Entries;
        foreach (var section in (ReadOnlySpan<DnsSection>)[DnsSection.Answer, DnsSection.Authority])
        {
            for (var i = 0; i < entries.Length; i++)
            {
                if (entries[i].Section != section)
                {
                    continue;
                }

                starts[i] = TryWrite(ref writer, plan, entries[i], starts);

                // An RRset that does not fit ends the reply there, with TC (RFC 2181 §9).
                if (starts[i] < 0)
                {
                    flags |= DnsHeader.TruncatedFlag;
                    return plan.ResponseCode;
                }
            }
        }

        for (var i = 0; i < plan.ProofCount; i++)
        {
            if (TryWriteProof(ref writer, plan, i, questionName) < 0)
            {
                flags |= DnsHeader.TruncatedFlag;
                return plan.ResponseCode;
            }
        }

        // Additional data that does not fit is left out without TC, and the next is still tried.
        foreach (var entry in plan.Additional)
        {
            TryWrite(ref writer, plan, entry, starts);
        }

        return plan.ResponseCode;
    }

    private static int TryWrite(ref ResponseWriter writer, in AnswerPlan plan, in AnswerPlanEntry entry, in EntryStarts starts) =>
        TryWrite(ref writer, plan, entry.Section, entry.RRset, entry.OwnerOffset + (entry.OwnerEntry == AnswerPlanEntry.Question ? DnsHeader.Size : starts[entry.OwnerEntry]));

    /// <summary>
    /// Writes <paramref name="rrset"/> with its owner pointing at <paramref name="ownerOffset"/> (the
    /// question's, <see cref="DnsHeader.Size"/>, leaves it as encoded), and its RRSIGs when DO was set.
    /// </summary>
    private static int TryWrite(ref ResponseWriter writer, in AnswerPlan plan, DnsSection section, RRset rrset, int ownerOffset) =>
        plan.Dnssec && plan.Snapshot!.Signatures(rrset) is { } rrsigs
            ? writer.TryWriteSignedRRset(section, rrset.Wire, rrset.RecordOffsets, rrsigs.Wire, rrsigs.RecordOffsets, ownerOffset, rrset.OwnerPointersInData)
            : writer.TryWriteRRset(section, rrset.Wire, rrset.RecordOffsets, ownerOffset, rrset.OwnerPointersInData);

    /// <summary>
    /// Writes NSEC proof <paramref name="index"/> and its RRSIGs. Their owner is spelled out (an NSEC
    /// is seldom at the question name), but the labels it shares with the question, the zone's at
    /// least, become a pointer into the question, as Knot and NSD compress them.
    /// </summary>
    private static int TryWriteProof(ref ResponseWriter writer, in AnswerPlan plan, int index, scoped ReadOnlySpan<byte> questionName)
    {
        var nsec = plan.Proof(index);
        var owner = plan.ProofOwner(index);
        var kept = DnsName.CommonSuffix(owner, questionName, out var inQuestion);
        var rrsigs = plan.Snapshot!.Signatures(nsec);
        return owner.Length - kept > 2
            ? writer.TryWriteShortenedSignedRRset(DnsSection.Authority, nsec.Wire, nsec.RecordOffsets, rrsigs is null ? default : rrsigs.Wire, rrsigs is null ? default : rrsigs.RecordOffsets, owner.Length, kept, DnsHeader.Size + inQuestion)
            : TryWrite(ref writer, plan, DnsSection.Authority, nsec, DnsHeader.Size);
    }

    /// <summary>Where each entry of a plan starts in the reply.</summary>
    [InlineArray(AnswerPlan.Capacity)]
    private struct EntryStarts
    {
        private int _element;
    }
}
