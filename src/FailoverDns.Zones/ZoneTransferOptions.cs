using System.Net;

namespace FailoverDns.Zones;

/// <summary>
/// A zone's <c>transfer</c> section: FailoverDns as the hidden primary of secondaries that serve the
/// zone (AXFR over TCP, NOTIFY on every change). With it, the zone's serial follows what it serves.
/// </summary>
public sealed record ZoneTransferOptions
{
    /// <summary>Client networks allowed to transfer the zone; empty: any address (a key then decides).</summary>
    public IReadOnlyList<IPNetwork> Allow { get; init; } = [];

    /// <summary>
    /// Names of the TSIG keys (lowercase, with the final dot) a transfer must be signed with, one of
    /// them; empty: none needed. The first also signs the NOTIFY messages.
    /// </summary>
    public IReadOnlyList<string> Keys { get; init; } = [];

    /// <summary>Secondaries told of every new serial by NOTIFY (RFC 1996).</summary>
    public IReadOnlyList<IPEndPoint> Notify { get; init; } = [];

    /// <summary>Also notify the zone's NS targets (but the SOA MNAME, the primary itself; RFC 1996 §3.6), on port 53.</summary>
    public bool NotifyNameservers { get; init; }

    /// <summary>True when <paramref name="client"/>, having signed with <paramref name="keyName"/> (or not, null), may transfer the zone: its address and its key, where each is asked for.</summary>
    public bool Admits(IPAddress client, string? keyName)
    {
        var address = client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client;
        return (Allow.Count == 0 || Allow.Any(n => n.Contains(address)))
            && (Keys.Count == 0 || (keyName is not null && Keys.Contains(keyName, StringComparer.OrdinalIgnoreCase)));
    }
}
