using System.Globalization;
using System.Text;
using FailoverDns.Health.Checks;
using FailoverDns.Health.Policy;

namespace FailoverDns.Server.Cluster;

/// <summary>
/// One location's vote on a check, as the admin API shows it. <see cref="Counts"/> is false when the
/// location judges another definition of the check (a config not yet rolled out everywhere).
/// </summary>
public sealed record LocationVote(string Location, string Status, string Reason, DateTimeOffset At, bool Counts);

/// <summary>
/// What the live locations' verdicts make of one check under the quorum rule. <see cref="Status"/> is
/// null when too few locations vote: the last decision stands.
/// </summary>
public sealed record QuorumDecision(HealthStatus? Status, string Reason, IReadOnlyList<LocationVote> Votes)
{
    /// <summary>Decides <paramref name="check"/> from <paramref name="verdicts"/> (by location): the same everywhere from the same data.</summary>
    public static QuorumDecision Decide(HealthCheckDefinition check, IReadOnlyDictionary<string, LocationVerdict> verdicts, QuorumRule rule)
    {
        var votes = verdicts
            .OrderBy(v => v.Key, StringComparer.Ordinal)
            .Select(v => new LocationVote(v.Key, v.Value.Status, v.Value.Reason, v.Value.At, v.Value.Judgement == check.Judgement && HealthStatusNames.TryParse(v.Value.Status, out _)))
            .ToList();
        var counted = votes.Where(v => v.Counts).Select(v => HealthStatusNames.TryParse(v.Status, out var s) ? s : HealthStatus.Unknown).ToList();
        var status = rule.Decide(counted);
        return new QuorumDecision(status, Describe(status, votes, rule), votes);
    }

    private static string Describe(HealthStatus? status, List<LocationVote> votes, QuorumRule rule)
    {
        var counted = votes.Where(v => v.Counts).ToList();
        var healthy = counted.Where(v => v.Status == "healthy").Select(v => v.Location).ToList();
        var unhealthy = counted.Where(v => v.Status == "unhealthy").Select(v => v.Location).ToList();
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{healthy.Count} of {counted.Count} locations say healthy"));
        if (healthy.Count > 0)
        {
            text.Append(" (").AppendJoin(", ", healthy).Append(')');
        }

        if (unhealthy.Count > 0)
        {
            text.Append("; unhealthy: ").AppendJoin(", ", unhealthy);
        }

        var other = votes.Where(v => !v.Counts).Select(v => v.Location).ToList();
        if (other.Count > 0)
        {
            text.Append("; not counted, judging another definition of the check: ").AppendJoin(", ", other);
        }

        text.Append("; rule: ").Append(rule);
        return status is null ? $"no decision, the last one stands: {text}" : $"{status.Value.ToName()}: {text}";
    }
}
