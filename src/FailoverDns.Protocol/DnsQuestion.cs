namespace FailoverDns.Protocol;

/// <summary>A question entry (RFC 1035 §4.1.2); the name keeps the case it was sent with.</summary>
public sealed record DnsQuestion(byte[] Name, RecordType Type, ushort Class)
{
    public override string ToString() => FormattableString.Invariant($"{DnsName.ToText(Name)} {DnsRecord.ClassToText(Class)} {RecordTypeNames.ToName(Type)}");
}
