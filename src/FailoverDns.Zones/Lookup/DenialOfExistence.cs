using FailoverDns.Protocol;
using FailoverDns.Zones.Model;

namespace FailoverDns.Zones.Lookup;

/// <summary>
/// The records of a signed zone that prove what is not there (RFC 4035 §3.1.3, §3.1.4), added to a
/// plan as it is resolved: the NSEC of a name with no data of the type, NSECs covering a name that
/// does not exist and the wildcard that could have made it, the NSEC covering the name a wildcard
/// answered for, and at a delegation its DS or the NSEC saying it has none. Allocates nothing.
/// </summary>
internal static class DenialOfExistence
{
    /// <summary>A referral: the DS of the cut (signed below), or the cut's NSEC proving it is unsigned.</summary>
    public static void AddDelegation(ref AnswerPlan plan, ZoneNode cut, int ownerEntry, int ownerOffset)
    {
        var snapshot = plan.Snapshot!;
        if (snapshot.Resolve(cut.Find(RecordType.DS)) is { } ds)
        {
            plan.TryAdd(new AnswerPlanEntry(DnsSection.Authority, ds, ownerEntry, ownerOffset, cut, false));
        }
        else if (cut.NsecIndex >= 0)
        {
            plan.AddProof(cut.NsecIndex);
        }
    }

    /// <summary>
    /// NXDOMAIN: the NSEC covering the name and the one covering the wildcard of its closest encloser.
    /// NODATA: the name's NSEC, which lacks the type; for an empty non-terminal the NSEC covering it; for
    /// a wildcard match also the NSEC covering the name, which proves it was not there itself.
    /// </summary>
    public static void AddNegative(ref AnswerPlan plan, Zone zone, in LookupResult result, ReadOnlySpan<byte> name)
    {
        if (result.Outcome == LookupOutcome.NxDomain)
        {
            AddCovering(ref plan, zone, name);
            var encloser = DnsName.Parent(name);
            while (encloser.Length > zone.Origin.Length && plan.Snapshot!.FindNode(encloser) is null)
            {
                encloser = DnsName.Parent(encloser);
            }

            Span<byte> wildcard = stackalloc byte[DnsName.MaxLength + 2];
            wildcard[0] = 1;
            wildcard[1] = (byte)'*';
            encloser.CopyTo(wildcard[2..]);
            AddCovering(ref plan, zone, wildcard[..(encloser.Length + 2)]);
            return;
        }

        var node = result.Node!;
        if (node.IsEmptyNonTerminal)
        {
            AddCovering(ref plan, zone, name);
            return;
        }

        if (node.NsecIndex >= 0)
        {
            plan.AddProof(node.NsecIndex);
        }

        if (result.IsWildcard)
        {
            AddCovering(ref plan, zone, name);
        }
    }

    /// <summary>A wildcard answer: the NSEC proving the name itself is not in the zone (RFC 4035 §3.1.3.3).</summary>
    public static void AddWildcardAnswer(ref AnswerPlan plan, Zone zone, ReadOnlySpan<byte> name) => AddCovering(ref plan, zone, name);

    private static void AddCovering(ref AnswerPlan plan, Zone zone, ReadOnlySpan<byte> name)
    {
        if (zone.NsecPredecessor(name) is >= 0 and var index)
        {
            plan.AddProof(index);
        }
    }
}
