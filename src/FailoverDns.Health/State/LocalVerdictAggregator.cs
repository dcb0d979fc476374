namespace FailoverDns.Health.State;

/// <summary>One instance, one location: its own verdict is the verdict (see <see cref="IVerdictAggregator"/>).</summary>
public sealed class LocalVerdictAggregator : IVerdictAggregator
{
    public IReadOnlyList<CheckVerdict> Aggregate(CheckVerdict local) => [local];
}
