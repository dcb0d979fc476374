using System.Net;

namespace FailoverDns.Zones;

/// <summary>
/// A zone's <c>transfer</c> section: FailoverDns as the hidden primary of secondaries that serve the
/// zone (AXFR over TCP, NOTIFY on every change). With it, the zone's serial follows what it serves.
/// </summary>
public sealed record ZoneTransferOptions
{
    /// <summary>Client networks allowed to transfer the zone; anyone else is refused.</summary>
    public IReadOnlyList<IPNetwork> Allow { get; init; } = [];

    /// <summary>Secondaries told of every new serial by NOTIFY (RFC 1996).</summary>
    public IReadOnlyList<IPEndPoint> Notify { get; init; } = [];

    public bool Allows(IPAddress client)
    {
        var address = client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client;
        return Allow.Any(n => n.Contains(address));
    }
}
