using FailoverDns.Configuration;
using Microsoft.Extensions.Logging;

namespace FailoverDns.Server.Lifecycle;

/// <summary>The line that says what is served, at start-up and after each reload: one template, so both carry the same properties.</summary>
internal static partial class ConfigLog
{
    /// <summary>The first line at start-up: which version is starting.</summary>
    [LoggerMessage(Level = LogLevel.Information, Message = "FailoverDns {Version} starting")]
    public static partial void Starting(ILogger logger, string version);

    public static void Serving(ILogger logger, string action, string path, string why, ConfigSummary summary, long milliseconds) =>
        LogServing(logger, action, path, why, summary.Zones, summary.Records, summary.FailoverSets, summary.HealthChecks, milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Action} {Path} ({Why}): {Zones} zones, {Records} records, {FailoverSets} failover sets, {HealthChecks} health checks in {Milliseconds} ms")]
    private static partial void LogServing(ILogger logger, string action, string path, string why, int zones, int records, int failoverSets, int healthChecks, long milliseconds);
}
