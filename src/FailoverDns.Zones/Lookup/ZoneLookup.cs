using FailoverDns.Protocol;
using FailoverDns.Zones.Model;

namespace FailoverDns.Zones.Lookup;

/// <summary>
/// The authoritative lookup of RFC 1034 §4.3.2 for one name and type, without allocating:
/// exact match, delegation, wildcard (RFC 4592), empty non-terminal, NXDOMAIN.
/// CNAMEs are returned as answers; following them is <see cref="AnswerResolver"/>'s loop.
/// </summary>
public static class ZoneLookup
{
    public static LookupResult Find(ZoneSnapshot snapshot, ReadOnlySpan<byte> lowercaseName, RecordType type)
    {
        var node = snapshot.FindNode(lowercaseName);
        if (node is not null)
        {
            // DS lives on the parent side of a cut (RFC 4035 §3.1.4.1), everything else goes to the child.
            var cut = node.Cut;
            if (cut is not null && !(cut == node && type == RecordType.DS))
            {
                return Referral(cut);
            }

            return AnswerFrom(snapshot, node, type, isWildcard: false);
        }

        // The closest encloser: the deepest existing ancestor.
        var name = lowercaseName;
        while (name.Length > 1)
        {
            name = DnsName.Parent(name);
            var ancestor = snapshot.FindNode(name);
            if (ancestor is null)
            {
                continue;
            }

            if (ancestor.Cut is not null)
            {
                return Referral(ancestor.Cut);
            }

            return ancestor.Wildcard is { } wildcard
                ? AnswerFrom(snapshot, wildcard, type, isWildcard: true)
                : new LookupResult(LookupOutcome.NxDomain, ancestor.Zone, null, null, false);
        }

        return LookupResult.Refused;
    }

    private static LookupResult Referral(ZoneNode cut) =>
        new(LookupOutcome.Referral, cut.Zone, cut, cut.Find(RecordType.NS), false);

    private static LookupResult AnswerFrom(ZoneSnapshot snapshot, ZoneNode node, RecordType type, bool isWildcard)
    {
        // ANY gets one RRset, the first by type number (RFC 8482 §4.1), as Knot does.
        var rrset = type == RecordType.ANY ? FirstServed(snapshot, node) : snapshot.Resolve(node.Find(type)) ?? snapshot.Resolve(node.Cname);
        if (rrset == RRset.ServFail)
        {
            return new LookupResult(LookupOutcome.ServFail, node.Zone, node, null, isWildcard);
        }

        return rrset is null
            ? new LookupResult(LookupOutcome.NoData, node.Zone, node, null, isWildcard)
            : new LookupResult(LookupOutcome.Answer, node.Zone, node, rrset, isWildcard);
    }

    private static RRset? FirstServed(ZoneSnapshot snapshot, ZoneNode node)
    {
        foreach (var candidate in node.RRsets)
        {
            if (snapshot.Resolve(candidate) is { } served && served != RRset.ServFail)
            {
                return served;
            }
        }

        return null;
    }
}
