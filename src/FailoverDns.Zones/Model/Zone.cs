using FailoverDns.Protocol;

namespace FailoverDns.Zones.Model;

/// <summary>
/// One zone: its origin, SOA and the SOA as sent in negative answers, as configured. Both are
/// placeholders that <see cref="ZoneSnapshot.Resolve"/> turns into the SOA served now (the same
/// but for the serial, where the serial follows what the zone serves).
/// </summary>
public sealed class Zone
{
    internal Zone(byte[] origin, RRset soa, int index, ZoneTransferOptions? transfer = null)
    {
        Origin = origin;
        Index = index;
        Transfer = transfer;
        Soa = new RRset(RecordType.SOA, soa.Ttl, soa.Data, soaSlot: 2 * index);
        NegativeSoa = NegativeForm(soa.Data[0], soa.Ttl, 2 * index + 1);
    }

    /// <summary>Its place in <see cref="ZoneSnapshot.Zones"/>.</summary>
    public int Index { get; }

    /// <summary>Who may transfer it and whom to notify; null: it is not transferred.</summary>
    public ZoneTransferOptions? Transfer { get; }

    /// <summary>True when its serial changes with every change of what it serves (it is transferred to secondaries).</summary>
    public bool SerialFollowsChanges => Transfer is not null;

    /// <summary>The origin in lowercase wire form.</summary>
    public byte[] Origin { get; }

    public RRset Soa { get; }

    public RRset NegativeSoa { get; }

    public string Name => DnsName.ToText(Origin);

    /// <summary>The configured serial; <see cref="ZoneSnapshot.Serial"/> is the one served.</summary>
    public uint Serial => RDataCodec.SoaSerial(Soa.Data[0]);

    /// <summary>Negative answers carry the SOA with TTL = min(SOA TTL, SOA MINIMUM) (RFC 2308 §3).</summary>
    internal static RRset NegativeForm(byte[] soa, uint ttl, int soaSlot = -1) =>
        new(RecordType.SOA, Math.Min(ttl, RDataCodec.SoaMinimum(soa)), [soa], soaSlot: soaSlot);

    public int RecordCount { get; internal set; }
}
