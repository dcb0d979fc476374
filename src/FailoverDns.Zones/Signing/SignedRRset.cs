using FailoverDns.Zones.Model;

namespace FailoverDns.Zones.Signing;

/// <summary>
/// One RRset a signed zone signs, at its signature slot: where it is, and the TTL its signature
/// covers (a tier served with its lower TTL, or the SOA in negative answers, is signed with the TTL
/// configured, RFC 4035 §5.3.3).
/// </summary>
/// <param name="Zone">The zone that signs it.</param>
/// <param name="Owner">The owner in lowercase wire form; a wildcard's is <c>*.…</c>.</param>
/// <param name="RRset">The RRset, or the SOA placeholder whose served form is signed.</param>
/// <param name="OriginalTtl">The TTL signed.</param>
public readonly record struct SignedRRset(Zone Zone, byte[] Owner, RRset RRset, uint OriginalTtl);
