namespace FailoverDns.Protocol;

/// <summary>A resource record with its owner and RDATA in uncompressed wire form.</summary>
public sealed record DnsRecord(byte[] Name, RecordType Type, ushort Class, uint Ttl, byte[] Data)
{
    public string NameText => DnsName.ToText(Name);

    public string DataText => RDataFormatter.ToText(Type, Data);

    /// <summary>The record in zone-file presentation format, e.g. <c>www.example. 300 IN A 192.0.2.1</c>.</summary>
    public override string ToString() =>
        FormattableString.Invariant($"{NameText} {Ttl} {ClassToText(Class)} {RecordTypeNames.ToName(Type)} {DataText}");

    internal static string ClassToText(ushort value) =>
        Enum.IsDefined((RecordClass)value) ? ((RecordClass)value).ToString() : FormattableString.Invariant($"CLASS{value}");
}
