using FailoverDns.Protocol;

namespace FailoverDns.Zones.Model;

/// <summary>
/// One name in a zone, with its RRsets ordered by type. A node without RRsets is an empty
/// non-terminal (RFC 4592 §2.2.2). Links are fixed when the snapshot is built.
/// </summary>
public sealed class ZoneNode
{
    internal ZoneNode(byte[] name, Zone zone, RRset[] rrsets)
    {
        Name = name;
        Zone = zone;
        RRsets = rrsets;
        Cname = Find(RecordType.CNAME);
    }

    /// <summary>The owner in lowercase wire form.</summary>
    public byte[] Name { get; }

    public Zone Zone { get; }

    public RRset[] RRsets { get; }

    public RRset? Cname { get; }

    /// <summary>The delegation point (a non-apex name with NS) at or above this node, if any.</summary>
    public ZoneNode? Cut { get; internal set; }

    /// <summary>The <c>*</c> child that synthesizes answers below this node (RFC 4592).</summary>
    public ZoneNode? Wildcard { get; internal set; }

    /// <summary>In a signed zone, for a name in its NSEC chain whose types never change: its NSEC.</summary>
    public RRset? Nsec { get; internal set; }

    /// <summary>
    /// For a name whose types change with a failover set's NODATA policy: the slot whose NSEC the
    /// snapshot holds (<see cref="ZoneSnapshot.Nsec"/>); -1 otherwise.
    /// </summary>
    public int NsecSlot { get; internal set; } = -1;

    /// <summary>Its place in <see cref="Model.Zone.NsecChain"/>; -1 when it has no NSEC.</summary>
    public int NsecIndex { get; internal set; } = -1;

    public bool IsEmptyNonTerminal => RRsets.Length == 0;

    public RRset? Find(RecordType type)
    {
        foreach (var rrset in RRsets)
        {
            if (rrset.Type == type)
            {
                return rrset;
            }
        }

        return null;
    }

    public override string ToString() => DnsName.ToText(Name);
}
