using System.Collections.Concurrent;
using System.Net;

namespace FailoverDns.Server.Transfer;

/// <summary>What this primary knows of one secondary of one zone: the serials it was told and acknowledged, the last transfer it took.</summary>
public sealed record SecondaryView(
    string Zone,
    string Secondary,
    uint? NotifiedSerial,
    DateTimeOffset? NotifiedAt,
    int Attempts,
    uint? AcknowledgedSerial,
    DateTimeOffset? AcknowledgedAt,
    string? LastTransfer,
    uint? LastTransferSerial,
    DateTimeOffset? LastTransferAt);

/// <summary>
/// The hidden primary's view of its secondaries, kept by the NOTIFY sender and the transfer service,
/// read by the admin API and the metrics. Keyed by zone and address (a secondary that transfers from
/// another address than the one notified shows as two rows).
/// </summary>
public sealed class SecondaryStatus
{
    private readonly ConcurrentDictionary<(string Zone, string Secondary), SecondaryView> _rows = new();

    public IReadOnlyList<SecondaryView> All => [.. _rows.Values.OrderBy(r => r.Zone, StringComparer.Ordinal).ThenBy(r => r.Secondary, StringComparer.Ordinal)];

    public void Notified(string zone, IPEndPoint secondary, uint serial, int attempts, DateTimeOffset at) =>
        Update(zone, Name(secondary), row => row with { NotifiedSerial = serial, NotifiedAt = at, Attempts = attempts });

    public void Acknowledged(string zone, IPEndPoint secondary, uint serial, DateTimeOffset at) =>
        Update(zone, Name(secondary), row => row with { AcknowledgedSerial = serial, AcknowledgedAt = at });

    public void Transferred(string zone, IPAddress client, string kind, uint serial, DateTimeOffset at) =>
        Update(zone, (client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client).ToString(), row => row with { LastTransfer = kind, LastTransferSerial = serial, LastTransferAt = at });

    /// <summary>A NOTIFY target is named by address and port; a transfer client by its address alone (its port changes every time).</summary>
    private static string Name(IPEndPoint secondary) => secondary.ToString();

    private void Update(string zone, string secondary, Func<SecondaryView, SecondaryView> change) =>
        _rows.AddOrUpdate((zone, secondary), _ => change(new SecondaryView(zone, secondary, null, null, 0, null, null, null, null, null)), (_, row) => change(row));
}
