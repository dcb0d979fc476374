namespace FailoverDns.Configuration;

/// <summary>The names alert events go by in config (<c>events:</c>) and in the JSON body (<c>"event"</c>).</summary>
public static class AlertEventNames
{
    /// <summary>Every kind, in the order the README lists them.</summary>
    public static IReadOnlyList<AlertEventKind> All { get; } =
        [AlertEventKind.Unhealthy, AlertEventKind.Recovered, AlertEventKind.Failover, AlertEventKind.Failback, AlertEventKind.AllUnhealthy];

    public static string ToName(this AlertEventKind kind) => kind switch
    {
        AlertEventKind.Unhealthy => "unhealthy",
        AlertEventKind.Recovered => "recovered",
        AlertEventKind.Failover => "failover",
        AlertEventKind.Failback => "failback",
        AlertEventKind.AllUnhealthy => "allUnhealthy",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Exact, case-sensitive names, like every other key and keyword in the config.</summary>
    public static bool TryParse(string? name, out AlertEventKind kind)
    {
        foreach (var candidate in All)
        {
            if (ToName(candidate) == name)
            {
                kind = candidate;
                return true;
            }
        }

        kind = default;
        return false;
    }
}
