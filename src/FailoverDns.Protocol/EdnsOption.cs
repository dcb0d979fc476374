namespace FailoverDns.Protocol;

/// <summary>One EDNS(0) option, kept opaque (RFC 6891 §6.1.2).</summary>
public sealed record EdnsOption(ushort Code, byte[] Data);
