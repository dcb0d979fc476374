using FailoverDns.Protocol;
using FailoverDns.Protocol.Dnssec;

namespace FailoverDns.Zones.Model;

/// <summary>
/// One zone: its origin, SOA and the SOA as sent in negative answers, as configured. Both are
/// placeholders that <see cref="ZoneSnapshot.Resolve"/> turns into the SOA served now (the same
/// but for the serial, where the serial follows what the zone serves).
/// </summary>
public sealed class Zone
{
    internal Zone(byte[] origin, RRset soa, int index, ZoneTransferOptions? transfer = null, ZoneSigningOptions? signing = null)
    {
        Origin = origin;
        Index = index;
        Transfer = transfer;
        Signing = signing;
        Soa = SoaForm(origin, soa.Data[0], soa.Ttl, 2 * index);
        NegativeSoa = NegativeForm(origin, soa.Data[0], soa.Ttl, 2 * index + 1);
    }

    /// <summary>Its place in <see cref="ZoneSnapshot.Zones"/>.</summary>
    public int Index { get; }

    /// <summary>Who may transfer it and whom to notify; null: it is not transferred.</summary>
    public ZoneTransferOptions? Transfer { get; }

    /// <summary>DNSSEC: the keys and signature lifetimes; null when the zone is served unsigned.</summary>
    public ZoneSigningOptions? Signing { get; }

    /// <summary>In a signed zone, the names with an NSEC, in canonical order (RFC 4034 §6.1): what proves a name or type absent.</summary>
    public ZoneNode[] NsecChain { get; internal set; } = [];

    /// <summary>
    /// Every node of the zone, in the order they were built: what a transfer sends. A zone nested in
    /// it and served here answers for its own names, but the delegation to it, and its glue, are
    /// still this zone's data, which its secondaries need to refer to the child.
    /// </summary>
    public ZoneNode[] Nodes { get; internal set; } = [];

    /// <summary>True when its serial changes with every change of what it serves (it is transferred to secondaries).</summary>
    public bool SerialFollowsChanges => Transfer is not null;

    /// <summary>The origin in lowercase wire form.</summary>
    public byte[] Origin { get; }

    public RRset Soa { get; }

    public RRset NegativeSoa { get; }

    public string Name => DnsName.ToText(Origin);

    /// <summary>The configured serial; <see cref="ZoneSnapshot.Serial"/> is the one served.</summary>
    public uint Serial => RDataCodec.SoaSerial(Soa.Data[0]);

    /// <summary>The SOA as served, its names compressed against the apex.</summary>
    internal static RRset SoaForm(byte[] origin, byte[] soa, uint ttl, int soaSlot = -1, int signatureSlot = -1)
    {
        var served = RRset.Compressed(RecordType.SOA, ttl, [soa], origin, soaSlot);
        served.SignatureSlot = signatureSlot;
        return served;
    }

    /// <summary>Negative answers carry the SOA with TTL = min(SOA TTL, SOA MINIMUM) (RFC 2308 §3).</summary>
    internal static RRset NegativeForm(byte[] origin, byte[] soa, uint ttl, int soaSlot = -1, int signatureSlot = -1) =>
        SoaForm(origin, soa, Math.Min(ttl, RDataCodec.SoaMinimum(soa)), soaSlot, signatureSlot);

    /// <summary>
    /// The place in this zone's NSEC chain of the name at or before <paramref name="lowercaseName"/> in canonical
    /// order: its NSEC proves every name between it and the next absent (RFC 4035 §3.1.3.2). -1 for an unsigned zone.
    /// </summary>
    public int NsecPredecessor(ReadOnlySpan<byte> lowercaseName)
    {
        var chain = NsecChain;
        int low = 0, high = chain.Length - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            var order = CanonicalName.Compare(chain[middle].Name, lowercaseName);
            if (order == 0)
            {
                return middle;
            }

            if (order < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        // The apex sorts first and every name asked lies below it, so high >= 0 in a signed zone.
        return high;
    }

    public int RecordCount { get; internal set; }
}
