using FailoverDns.Health.Checks;
using FailoverDns.Health.State;
using FailoverDns.Server.Cluster;
using FailoverDns.Server.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FailoverDns.Server.HealthOverrides;

/// <summary>
/// Operator overrides of health checks: applied through the health pipeline (so answers follow),
/// written to the state file on every change so they survive a restart, restored at start-up, and
/// cleared when they expire. In cluster mode an override is set in etcd first, and every instance
/// (this one at once) applies it from there (<see cref="ClusterService"/>).
/// </summary>
public sealed partial class OverrideService(
    HealthStateStore health,
    HealthPipeline pipeline,
    StateFile stateFile,
    TimeProvider time,
    ILogger<OverrideService> logger,
    ClusterService? cluster = null) : IHostedService, IDisposable
{
    /// <summary>How often expiry is checked; an override ends at most this long after its time.</summary>
    public static readonly TimeSpan ExpiryCheck = TimeSpan.FromSeconds(1);

    private ITimer? _timer;

    public string? StateFile => stateFile.Path;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!stateFile.IsWritable(out var problem))
        {
            LogStateFileUnwritable(logger, problem);
        }

        Restore();
        _timer = time.CreateTimer(_ => ExpireOnTimer(), null, ExpiryCheck, ExpiryCheck);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();

    /// <summary>Forces a check's state; false for an unknown check.</summary>
    /// <exception cref="ClusterUnavailableException">Cluster mode, and etcd did not take it: nothing was set.</exception>
    /// <exception cref="StateFileUnwritableException">The state file cannot be written, so it would not survive a restart: nothing was set.</exception>
    public async Task<bool> SetAsync(string check, HealthStatus state, DateTimeOffset? until, string reason, CancellationToken cancellationToken = default)
    {
        if (health.Get(check) is null)
        {
            return false;
        }

        EnsureKept();

        // The admin API refuses a reason that breaks the rules; this keeps any other caller from logging one.
        var value = new HealthOverride(state, until, OverrideReason.Sanitize(reason), time.GetUtcNow());
        if (cluster is not null)
        {
            await cluster.PutOverrideAsync(check, value, cancellationToken);
        }

        // Logged first: the switches it causes are logged as it is applied. In cluster mode the watch
        // may have brought it back and applied it already, with a line of its own.
        if (health.Get(check)?.Override != value)
        {
            LogOverrideSet(logger, check, state.ToName(), Until(until), value.Reason);
            if (!pipeline.SetOverride(check, value))
            {
                return false; // a reload removed the check meanwhile
            }
        }

        Persist();
        return true;
    }

    /// <summary>Clears a check's override, if it has one; false for an unknown check.</summary>
    /// <exception cref="ClusterUnavailableException">Cluster mode, and etcd did not take it: nothing was cleared.</exception>
    public async Task<bool> ClearAsync(string check, CancellationToken cancellationToken = default)
    {
        if (health.Get(check) is not { } state)
        {
            return false;
        }

        if (state.Override is not null)
        {
            EnsureKept(); // else the cleared override would come back at the next start
        }

        if (cluster is not null)
        {
            await cluster.DeleteOverrideAsync(check, cancellationToken);
        }

        if (state.Override is not null)
        {
            LogOverrideCleared(logger, check, "by request");
            pipeline.SetOverride(check, null);
            Persist();
        }

        return true;
    }

    private void EnsureKept()
    {
        if (!stateFile.IsWritable(out var problem))
        {
            throw new StateFileUnwritableException(problem);
        }
    }

    /// <summary>An exception on a timer thread would end the process: a failing step is logged, and the next tick tries again.</summary>
    private void ExpireOnTimer()
    {
        try
        {
            Expire();
        }
        catch (Exception e)
        {
            LogExpiryFailed(logger, e);
        }
    }

    /// <summary>Clears expired overrides; called by the timer, and by tests that move a fake clock.</summary>
    public void Expire()
    {
        var expired = pipeline.ExpireOverrides();
        foreach (var check in expired)
        {
            LogOverrideCleared(logger, check, "its time was up");
        }

        if (expired.Count > 0)
        {
            Persist();
        }
    }

    private void Restore()
    {
        var now = time.GetUtcNow();
        foreach (var item in stateFile.Saved.Overrides)
        {
            if (item.Until <= now || !HealthStatusNames.TryParse(item.State, out var state))
            {
                continue;
            }

            if (health.Get(item.Check) is not null)
            {
                // The file may come from before reasons were limited, or from an editor.
                var reason = OverrideReason.Sanitize(item.Reason ?? "");
                LogOverrideRestored(logger, item.Check, state.ToName(), Until(item.Until), reason);
                pipeline.SetOverride(item.Check, new HealthOverride(state, item.Until, reason, item.Since));
            }
        }
    }

    /// <summary>Writes the overrides to the state file (also after a reload, which may have removed checks).</summary>
    public void Persist() => stateFile.Write(health);

    private static string Until(DateTimeOffset? until) => until is { } time ? $"until {time.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z" : "until cleared";

    [LoggerMessage(Level = LogLevel.Error, Message = "{Problem}: overrides set now would not survive a restart, so the admin API refuses them until it can be written (fix admin.stateFile or its directory's permissions)")]
    private static partial void LogStateFileUnwritable(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Override: health check {Check} forced {State} {Until} ({Reason})")]
    private static partial void LogOverrideSet(ILogger logger, string check, string state, string until, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Override of health check {Check} cleared ({How})")]
    private static partial void LogOverrideCleared(ILogger logger, string check, string how);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Override restored from the state file: health check {Check} forced {State} {Until} ({Reason})")]
    private static partial void LogOverrideRestored(ILogger logger, string check, string state, string until, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Clearing expired overrides failed; tried again at the next check")]
    private static partial void LogExpiryFailed(ILogger logger, Exception exception);
}

/// <summary>An override was refused because the state file cannot be written: it would be lost at the next restart.</summary>
public sealed class StateFileUnwritableException(string message) : Exception(message);
