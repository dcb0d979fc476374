using FailoverDns.Protocol;

namespace FailoverDns.Zones.Model;

/// <summary>One zone: its origin, SOA and the SOA as sent in negative answers.</summary>
public sealed class Zone
{
    internal Zone(byte[] origin, RRset soa)
    {
        Origin = origin;
        Soa = soa;
        // Negative answers carry the SOA with TTL = min(SOA TTL, SOA MINIMUM) (RFC 2308 §3).
        NegativeSoa = new RRset(RecordType.SOA, Math.Min(soa.Ttl, RDataCodec.SoaMinimum(soa.Data[0])), soa.Data);
    }

    /// <summary>The origin in lowercase wire form.</summary>
    public byte[] Origin { get; }

    public RRset Soa { get; }

    public RRset NegativeSoa { get; }

    public string Name => DnsName.ToText(Origin);

    public uint Serial => RDataCodec.SoaSerial(Soa.Data[0]);

    public int RecordCount { get; internal set; }
}
