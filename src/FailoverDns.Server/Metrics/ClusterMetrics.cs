using System.Diagnostics.Metrics;
using FailoverDns.Server.Cluster;

namespace FailoverDns.Server.Metrics;

/// <summary>
/// Cluster mode as metrics: the link to etcd, the live locations, each location's verdict on each
/// check and its age, and the etcd traffic this instance causes and sees.
/// </summary>
public sealed class ClusterMetrics
{
    public ClusterMetrics(IMeterFactory meters, ClusterService cluster, TimeProvider time)
    {
        var meter = meters.Create(MeterNames.FailoverDns);
        meter.CreateObservableGauge("failoverdns.cluster.connected", () => cluster.Connected ? 1 : 0, "{bool}", "1 while this instance has a session with etcd; 0 while it serves the last agreed state without one");
        meter.CreateObservableGauge("failoverdns.cluster.own_verdicts", () => cluster.ActingOnOwnVerdicts ? 1 : 0, "{bool}", "1 while etcd has been out of reach past cluster.ownVerdictsAfter and this instance acts on its own verdicts");
        meter.CreateObservableGauge("failoverdns.cluster.locations", () => cluster.Locations.Count, "{location}", "Live probe locations (holding a lease in etcd), as this instance last saw them");
        meter.CreateObservableGauge(
            "failoverdns.cluster.location_verdict",
            () => cluster.AllVerdicts().Select(v => new Measurement<int>(v.Verdict.Status == "healthy" ? 1 : 0, Tag("check", v.Check), Tag("location", v.Location))),
            "{bool}",
            "Each live location's verdict on each check: 1 healthy, 0 unhealthy");
        meter.CreateObservableGauge(
            "failoverdns.cluster.verdict_age",
            () =>
            {
                var now = time.GetUtcNow();
                return cluster.AllVerdicts().Select(v => new Measurement<double>(Math.Max(0, (now - v.Verdict.At).TotalSeconds), Tag("check", v.Check), Tag("location", v.Location)));
            },
            "s",
            "How long ago each location's verdict on each check became what it is");
        meter.CreateObservableCounter("failoverdns.cluster.etcd_writes", () => cluster.Traffic.Writes, "{write}", "Keys this instance wrote to or deleted from etcd: verdicts when they change, overrides, its location");
        meter.CreateObservableCounter("failoverdns.cluster.etcd_events", () => cluster.Traffic.Events, "{event}", "Changes this instance received from etcd (watch events and keys read at each new session)");
    }

    private static KeyValuePair<string, object?> Tag(string name, string value) => new(name, value);
}
