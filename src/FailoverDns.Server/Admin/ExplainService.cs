using FailoverDns.Protocol;
using FailoverDns.Server.Query;
using FailoverDns.Zones;
using FailoverDns.Zones.Lookup;
using FailoverDns.Zones.Model;

namespace FailoverDns.Server.Admin;

/// <summary>
/// <c>/api/explain</c>: the exact reply the server gives now to a question (the real query path
/// answers it) and, step by step, why: zone, lookup outcome, wildcard, CNAMEs followed, failover
/// tier and the checks that chose it.
/// </summary>
public sealed class ExplainService(ZoneStore zones, AdminViewFactory views)
{
    public ExplainView? Explain(string nameText, string typeText)
    {
        var name = DnsName.Parse(nameText.EndsWith('.') ? nameText : nameText + ".");
        RecordType type;
        if (name is null || !(RecordTypeNames.TryParse(typeText, out type) || Enum.TryParse(typeText, ignoreCase: true, out type)))
        {
            return null;
        }

        // One snapshot for the reply and its reasoning, so that a switch in between cannot make them
        // disagree; and a processor of its own, so that explained questions are not counted as queries.
        var snapshot = zones.Current;
        var processor = new QueryProcessor(new ZoneStore(snapshot));
        var query = new DnsMessage(new DnsHeader(0, 0, 1, 0, 0, 0), [new DnsQuestion(name, type, (ushort)RecordClass.IN)], [], [], [], null).ToArray();
        var buffer = new byte[QueryProcessor.MaxTcpResponse];
        var length = processor.Process(query, buffer, overTcp: true);
        if (!DnsMessage.TryParse(buffer.AsSpan(0, length), out var reply))
        {
            return null; // the processor always answers a well-formed query; this is only defensive
        }

        var plan = AnswerResolver.Resolve(snapshot, name, type);
        return new ExplainView(
            DnsName.ToText(name),
            RecordTypeNames.ToName(type),
            RcodeNames.ToName(reply!.ResponseCode),
            reply.Header.IsAuthoritative,
            reply.Header.IsTruncated,
            [.. reply.Answers.Select(r => r.ToString())],
            [.. reply.Authorities.Select(r => r.ToString())],
            [.. reply.Additionals.Select(r => r.ToString())],
            Reasoning(snapshot, DnsName.ToLower(name), type, plan));
    }

    /// <summary>The plan the reply was encoded from, step by step in words.</summary>
    private List<string> Reasoning(ZoneSnapshot snapshot, byte[] name, RecordType type, in AnswerPlan plan)
    {
        var lines = new List<string>();
        if (plan.Zone is { } zone)
        {
            lines.Add($"{DnsName.ToText(name)} is in zone {zone.Name}");
        }

        var answers = plan.Entries;
        for (var i = 0; i < answers.Length && answers[i].Section == DnsSection.Answer; i++)
        {
            var answer = answers[i];
            var text = DnsName.ToText(name);
            if (answer.IsWildcard)
            {
                lines.Add($"{text} does not exist; the wildcard {answer.Node} answers for it (RFC 4592)");
            }

            var rrset = answer.RRset;
            var set = FailoverSetAt(snapshot, answer.Node, type)
                ?? (rrset.Type == RecordType.CNAME ? FailoverSetAt(snapshot, answer.Node, RecordType.CNAME) : null);
            if (set is not null)
            {
                lines.Add(Describe(set, snapshot));
                lines.AddRange(Locations(set));
            }

            if (rrset.Type != RecordType.CNAME || type is RecordType.CNAME or RecordType.ANY)
            {
                lines.Add($"answered with {rrset.Count} {RecordTypeNames.ToName(rrset.Type)} record(s), TTL {rrset.Ttl} s");
                continue;
            }

            name = DnsName.ToLower(rrset.CnameTarget);
            lines.Add(plan.End == AnswerPlanEnd.CnameChainLimit && i == answers.Length - 1
                ? $"{text} is a CNAME to {DnsName.ToText(name)}; the chain has reached {AnswerResolver.MaxCnameChain} CNAMEs, the most followed, so the resolver follows it from here"
                : $"{text} is a CNAME to {DnsName.ToText(name)}; following it");
        }

        var last = DnsName.ToText(name);
        switch (plan.End)
        {
            case AnswerPlanEnd.Refused:
                lines.Add($"no zone served here contains {last}: REFUSED");
                break;
            case AnswerPlanEnd.Referral when plan.IsAuthoritative:
                // An in-zone CNAME chain led here: the CNAMEs are ours (AA), the target is the child's.
                lines.Add($"the chain ended at the delegation {plan.EndNode}: {last} is at or below it, so its name servers follow in authority with their glue; the CNAMEs are ours (authoritative) and the resolver follows the last one from there (RFC 1034 §4.3.2 step 3b)");
                break;
            case AnswerPlanEnd.Referral:
                lines.Add($"{last} is at or below the delegation {plan.EndNode}: a referral to its name servers, not authoritative");
                break;
            case AnswerPlanEnd.NxDomain:
                lines.Add($"{last} does not exist and no wildcard covers it: NXDOMAIN with the SOA (negative TTL {plan.Zone!.NegativeSoa.Ttl} s)");
                break;
            case AnswerPlanEnd.NoData or AnswerPlanEnd.ServFail:
                lines.Add(FailoverSetAt(snapshot, plan.EndNode, type) is { } set
                    ? Describe(set, snapshot)
                    : $"{last} exists but has no {RecordTypeNames.ToName(type)} records: NOERROR with no answer and the SOA (NODATA)");
                break;
            case AnswerPlanEnd.CnameLeavesZone:
                lines.Add($"{last} is outside zone {plan.Zone!.Name}; the resolver follows the CNAME from here");
                break;
            case AnswerPlanEnd.CnameLoop:
                lines.Add($"{last} is already in the chain: a CNAME loop, answered up to where it closes");
                break;
        }

        return lines;
    }

    private string Describe(FailoverSet set, ZoneSnapshot snapshot)
    {
        var view = views.View(set, snapshot);
        var ttl = view.TtlReason is null ? "" : $"; TTL {view.ServedTtl} s, {view.TtlReason}";
        return $"failover set {view.Name} {view.Type}: {view.Reason}; serving {view.Serving}{ttl}";
    }

    /// <summary>In cluster mode, for each check of the set: every location's verdict, its age and reason, and the rule's decision.</summary>
    private IEnumerable<string> Locations(FailoverSet set) =>
        set.Definition.Tiers.Select(t => t.HealthCheck).OfType<string>().Distinct(StringComparer.Ordinal)
            .Select(check => (check, cluster: views.CheckCluster(check)))
            .Where(c => c.cluster is not null)
            .Select(c => FormattableString.Invariant($"check {c.check} across the locations: {c.cluster!.Decision}; {string.Join("; ", c.cluster.Locations.Select(l => $"{l.Location} says {l.Status} ({l.Reason}), {l.AgeSeconds:0} s ago{(l.Counts ? "" : ", not counted")}"))}"));

    private static FailoverSet? FailoverSetAt(ZoneSnapshot snapshot, ZoneNode? node, RecordType type) =>
        node is null ? null : snapshot.FailoverSets.FirstOrDefault(s => s.Type == type && DnsName.EqualsIgnoreCase(s.Definition.Name, node.Name));
}
