namespace FailoverDns.Protocol;

/// <summary>RR CLASS values (RFC 1035 §3.2.4).</summary>
public enum RecordClass : ushort
{
    IN = 1,
    CH = 3,
    NONE = 254,
    ANY = 255,
}
