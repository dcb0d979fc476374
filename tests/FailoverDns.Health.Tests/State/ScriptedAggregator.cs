using FailoverDns.Health.State;

namespace FailoverDns.Health.Tests.State;

/// <summary>An aggregation step that answers as the test says (a quorum of other locations, say) and keeps what it was given.</summary>
internal sealed class ScriptedAggregator(Func<CheckVerdict, IReadOnlyList<CheckVerdict>> answer) : IVerdictAggregator
{
    public List<CheckVerdict> Given { get; } = [];

    public IReadOnlyList<CheckVerdict> Aggregate(CheckVerdict local)
    {
        Given.Add(local);
        return answer(local);
    }
}
