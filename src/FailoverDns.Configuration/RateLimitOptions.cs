using System.Net;

namespace FailoverDns.Configuration;

/// <summary>
/// Response rate limiting (RRL) of UDP replies, as in BIND, Knot and NSD: each (client prefix,
/// kind of response, name, type) may receive so many responses per second; beyond it replies are
/// dropped, and every <see cref="Slip"/>th one is sent empty with TC so a real client retries over
/// TCP. On by default (NSD's rate, BIND's prefixes and window): an authoritative server that
/// answers the open internet is otherwise a reflection amplifier for spoofed sources.
/// </summary>
public sealed record RateLimitOptions
{
    /// <summary>Responses per second for one key; 0 turns rate limiting off (Knot <c>rate-limit</c>, NSD <c>rrl-ratelimit</c>).</summary>
    public int ResponsesPerSecond { get; init; } = 200;

    /// <summary>Every Nth limited response is sent truncated instead of dropped; 1 truncates all, 0 drops all (Knot <c>rate-limit-slip</c>, NSD <c>rrl-slip</c>).</summary>
    public int Slip { get; init; } = 2;

    /// <summary>Seconds of over-limit responses a key may owe before it stops accumulating debt (BIND <c>window</c>): a flood stays limited until it stops.</summary>
    public int Window { get; init; } = 15;

    /// <summary>IPv4 clients in one prefix of this length share their limits (NSD <c>rrl-ipv4-prefix-length</c>).</summary>
    public int Ipv4PrefixLength { get; init; } = 24;

    /// <summary>IPv6 clients in one prefix of this length share their limits (BIND's default; NSD <c>rrl-ipv6-prefix-length</c>).</summary>
    public int Ipv6PrefixLength { get; init; } = 56;

    /// <summary>Buckets in the table, rounded up to a power of two; 8 bytes each (Knot <c>rate-limit-table-size</c>, NSD <c>rrl-size</c>).</summary>
    public int TableSize { get; init; } = 1 << 19;

    /// <summary>
    /// Clients never limited (Knot <c>rate-limit-whitelist</c>). Loopback by default: a datagram
    /// from the network cannot carry a loopback source (Linux drops it as a martian), so no
    /// reflection can be aimed there, while local resolvers, monitors and benchmarks stay unlimited.
    /// </summary>
    public IReadOnlyList<IPNetwork> Whitelist { get; init; } = DefaultWhitelist;

    public bool Enabled => ResponsesPerSecond > 0;

    public static readonly IReadOnlyList<IPNetwork> DefaultWhitelist = [IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("::1/128")];

    /// <summary>By value, the whitelist too: a reload of the same file must not look like a change that needs a restart.</summary>
    public bool Equals(RateLimitOptions? other) =>
        other is not null
        && (ResponsesPerSecond, Slip, Window, Ipv4PrefixLength, Ipv6PrefixLength, TableSize) == (other.ResponsesPerSecond, other.Slip, other.Window, other.Ipv4PrefixLength, other.Ipv6PrefixLength, other.TableSize)
        && Whitelist.SequenceEqual(other.Whitelist);

    public override int GetHashCode() => HashCode.Combine(ResponsesPerSecond, Slip, Window, Ipv4PrefixLength, Ipv6PrefixLength, TableSize, Whitelist.Count);
}
