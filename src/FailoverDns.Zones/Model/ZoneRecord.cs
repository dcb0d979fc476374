using FailoverDns.Protocol;
using FailoverDns.Zones.Text;

namespace FailoverDns.Zones.Model;

/// <summary>One record as configured: owner and RDATA in wire form, and where it was written.</summary>
public sealed record ZoneRecord(byte[] Name, RecordType Type, uint Ttl, byte[] Data, SourceLocation Location)
{
    public override string ToString() => new DnsRecord(Name, Type, (ushort)RecordClass.IN, Ttl, Data).ToString();
}
