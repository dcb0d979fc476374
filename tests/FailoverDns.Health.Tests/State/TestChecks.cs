using FailoverDns.Health.Checks;
using FailoverDns.Health.Tests.Probes;

namespace FailoverDns.Health.Tests.State;

/// <summary>The check definitions the state tests use.</summary>
internal static class TestChecks
{
    public static HealthCheckDefinition Endpoint(string name) => new() { Name = name, Endpoint = TestProbes.Http(8080, $"{name}.example") };

    /// <summary>A check that follows every result: thresholds of 1 both ways.</summary>
    public static HealthCheckDefinition Flappy(string name) => Endpoint(name) with { FailureThreshold = 1, RecoveryThreshold = 1 };

    public static HealthCheckDefinition Calculated(string name, int requiredHealthy, params string[] children) =>
        new() { Name = name, Calculated = new CalculatedCheck(children, requiredHealthy) };
}
