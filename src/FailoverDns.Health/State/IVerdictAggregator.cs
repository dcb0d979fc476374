namespace FailoverDns.Health.State;

/// <summary>
/// The seam between the per-location threshold state and the check states that answers follow.
/// <para>
/// The health pipeline, as plain calls on an endpoint's probe loop, one probe result at a time:
/// <see cref="Monitoring.HealthMonitor"/> schedules and probes (and logs any failure of the steps below,
/// so one bad step never stops probing) → <see cref="HealthPipeline"/>: <see cref="HealthStateStore.Record"/>
/// runs the pure <see cref="Policy.ThresholdPolicy"/> and returns this location's <see cref="CheckVerdict"/>
/// → <see cref="Aggregate"/> turns it into the verdicts to act on → <see cref="HealthStateStore.Apply"/>
/// lets overrides and calculated checks follow and returns the <see cref="HealthTransition"/>s →
/// <see cref="IHealthStateHandler"/>s (the failover coordinator, which publishes the new zone snapshot).
/// </para>
/// <para>
/// A single instance is the only location: <see cref="LocalVerdictAggregator"/> passes its verdict
/// through. With several instances each publishes its verdicts (to etcd, under a lease) and a quorum
/// rule over the live locations decides here; overrides and calculated checks then apply to the
/// agreed verdict, cluster-wide alike.
/// </para>
/// </summary>
public interface IVerdictAggregator
{
    /// <summary>Takes this location's latest verdict on a check.</summary>
    /// <returns>The verdicts to apply now: the agreed ones that may have changed (none if nothing to act on yet).</returns>
    IReadOnlyList<CheckVerdict> Aggregate(CheckVerdict local);
}
