using System.Diagnostics.Metrics;
using FailoverDns.Server.Transfer;
using FailoverDns.Zones;

namespace FailoverDns.Server.Metrics;

/// <summary>
/// The zones as their consumers see them: each transferred zone's serial, per secondary the serials
/// notified, acknowledged and last transferred, and when each signed zone's signatures expire.
/// </summary>
public sealed class TransferMetrics
{
    public TransferMetrics(IMeterFactory meters, ZoneStore zones, SecondaryStatus secondaries)
    {
        var meter = meters.Create(MeterNames.FailoverDns);
        meter.CreateObservableGauge(
            "failoverdns.zone.serial",
            () =>
            {
                var snapshot = zones.Current;
                return snapshot.Zones.Where(z => z.SerialFollowsChanges).Select(z => new Measurement<long>(snapshot.Serial(z), Tag("zone", z.Name)));
            },
            "{serial}",
            "The SOA serial each transferred zone serves now");
        meter.CreateObservableGauge(
            "failoverdns.dnssec.signatures_expire",
            () =>
            {
                var snapshot = zones.Current;
                return snapshot.Zones.Where(z => z.Signing is not null).Select(z => new Measurement<long>(snapshot.EarliestExpiration(z) ?? 0, Tag("zone", z.Name)));
            },
            "s",
            "When the earliest RRSIG of each signed zone expires, in seconds since the epoch (signed again before: its refreshBefore)");
        meter.CreateObservableGauge("failoverdns.transfer.notified_serial", () => Rows(r => r.NotifiedSerial), "{serial}", "The last serial each secondary was sent a NOTIFY for");
        meter.CreateObservableGauge("failoverdns.transfer.acknowledged_serial", () => Rows(r => r.AcknowledgedSerial), "{serial}", "The last serial each secondary acknowledged a NOTIFY for");
        meter.CreateObservableGauge("failoverdns.transfer.transferred_serial", () => Rows(r => r.LastTransferSerial), "{serial}", "The serial of the last transfer each client took");

        IEnumerable<Measurement<long>> Rows(Func<SecondaryView, uint?> value) =>
            secondaries.All.Where(r => value(r) is not null).Select(r => new Measurement<long>(value(r)!.Value, Tag("zone", r.Zone), Tag("secondary", r.Secondary)));
    }

    private static KeyValuePair<string, object?> Tag(string name, string value) => new(name, value);
}
