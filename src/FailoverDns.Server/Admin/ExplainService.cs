using FailoverDns.Protocol;
using FailoverDns.Server.Query;
using FailoverDns.Zones;
using FailoverDns.Zones.Lookup;
using FailoverDns.Zones.Model;
using FailoverDns.Zones.Text;

namespace FailoverDns.Server.Admin;

/// <summary>
/// <c>/api/explain</c>: the exact reply the server gives now to a question (the real query path
/// answers it) and, step by step, why: zone, lookup outcome, wildcard, CNAMEs followed, failover
/// tier and the checks that chose it.
/// </summary>
public sealed class ExplainService(ZoneStore zones, AdminViewFactory views)
{
    // A processor of its own, so that explained questions are not counted as queries in the metrics.
    private readonly QueryProcessor _processor = new(zones);

    public ExplainView? Explain(string nameText, string typeText)
    {
        var name = DnsName.Parse(nameText.EndsWith('.') ? nameText : nameText + ".");
        RecordType type;
        if (name is null || !(RecordTypeNames.TryParse(typeText, out type) || Enum.TryParse(typeText, ignoreCase: true, out type)))
        {
            return null;
        }

        var query = new DnsMessage(new DnsHeader(0, 0, 1, 0, 0, 0), [new DnsQuestion(name, type, (ushort)RecordClass.IN)], [], [], [], null).ToArray();
        var buffer = new byte[QueryProcessor.MaxTcpResponse];
        var length = _processor.Process(query, buffer, overTcp: true);
        if (!DnsMessage.TryParse(buffer.AsSpan(0, length), out var reply))
        {
            return null; // the processor always answers a well-formed query; this is only defensive
        }

        return new ExplainView(
            DnsName.ToText(name),
            RDataFormatter.TypeToText(type),
            RcodeNames.ToText(reply!.ResponseCode),
            reply.Header.IsAuthoritative,
            reply.Header.IsTruncated,
            [.. reply.Answers.Select(r => r.ToString())],
            [.. reply.Authorities.Select(r => r.ToString())],
            [.. reply.Additionals.Select(r => r.ToString())],
            Reasoning(DnsName.ToLower(name), type));
    }

    private List<string> Reasoning(byte[] name, RecordType type)
    {
        var snapshot = zones.Current;
        var lines = new List<string>();
        Zone? zone = null;
        for (var step = 0; step < QueryProcessor.MaxCnameChain; step++)
        {
            var text = DnsName.ToText(name);
            var result = ZoneLookup.Find(snapshot, name, type);
            if (step > 0 && (result.Zone != zone || result.Outcome is LookupOutcome.Refused or LookupOutcome.Referral))
            {
                lines.Add($"{text} is outside zone {zone!.Name} (or delegated); the resolver follows the CNAME from here");
                break;
            }

            zone = result.Zone;
            if (step == 0 && zone is not null)
            {
                lines.Add($"{text} is in zone {zone.Name}");
            }

            var set = FailoverSetAt(snapshot, result.Node, type);
            switch (result.Outcome)
            {
                case LookupOutcome.Refused:
                    lines.Add($"no zone served here contains {text}: REFUSED");
                    return lines;
                case LookupOutcome.Referral:
                    lines.Add($"{text} is at or below the delegation {result.Node}: a referral to its name servers, not authoritative");
                    return lines;
                case LookupOutcome.NxDomain:
                    lines.Add($"{text} does not exist and no wildcard covers it: NXDOMAIN with the SOA (negative TTL {zone!.NegativeSoa.Ttl} s)");
                    return lines;
                case LookupOutcome.NoData or LookupOutcome.ServFail:
                    if (set is not null)
                    {
                        var view = views.View(set);
                        lines.Add($"failover set {view.Name} {view.Type}: {view.Reason}; serving {view.Serving}");
                    }
                    else
                    {
                        lines.Add($"{text} exists but has no {RDataFormatter.TypeToText(type)} records: NOERROR with no answer and the SOA (NODATA)");
                    }

                    return lines;
            }

            if (result.IsWildcard)
            {
                lines.Add($"{text} does not exist; the wildcard {result.Node} answers for it (RFC 4592)");
            }

            var rrset = result.RRset!;
            set ??= rrset.Type == RecordType.CNAME ? FailoverSetAt(snapshot, result.Node, RecordType.CNAME) : null;
            if (set is not null)
            {
                var view = views.View(set);
                lines.Add($"failover set {view.Name} {view.Type}: {view.Reason}; serving {view.Serving}");
            }

            if (rrset.Type != RecordType.CNAME || type is RecordType.CNAME or RecordType.ANY)
            {
                lines.Add($"answered with {rrset.Count} {RDataFormatter.TypeToText(rrset.Type)} record(s), TTL {rrset.Ttl} s");
                return lines;
            }

            name = DnsName.ToLower(rrset.CnameTarget);
            lines.Add($"{text} is a CNAME to {DnsName.ToText(name)}; following it");
        }

        return lines;
    }

    private static FailoverSet? FailoverSetAt(ZoneSnapshot snapshot, ZoneNode? node, RecordType type) =>
        node is null ? null : snapshot.FailoverSets.FirstOrDefault(s => s.Type == type && DnsName.EqualsIgnoreCase(s.Definition.Name, node.Name));
}
