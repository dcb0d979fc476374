namespace FailoverDns.Health.Checks;

/// <summary>The words the API, logs, metrics and the state file use for a <see cref="HealthStatus"/>.</summary>
public static class HealthStatusNames
{
    public static string ToName(this HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Unhealthy => "unhealthy",
        _ => "unknown",
    };

    /// <summary>"healthy" or "unhealthy", in any case: the states a person can give (an override forces one).</summary>
    public static bool TryParse(string? name, out HealthStatus status)
    {
        status = name?.ToLowerInvariant() switch
        {
            "healthy" => HealthStatus.Healthy,
            "unhealthy" => HealthStatus.Unhealthy,
            _ => HealthStatus.Unknown,
        };
        return status != HealthStatus.Unknown;
    }
}
