using System.Globalization;
using FailoverDns.Server.Lifecycle;

namespace FailoverDns.Server.Admin;

/// <summary>Builds the <c>/readyz</c> body: ready or not, and why in one sentence an operator can act on.</summary>
internal static class ReadinessReport
{
    /// <summary>
    /// In cluster mode a lost etcd is reported but does not make the instance unready: it goes on
    /// serving the last agreed state, and since every instance tends to lose etcd together, unready
    /// would take the whole fleet out of service.
    /// </summary>
    public static ReadinessView Build(bool listenersBound, bool answering, bool firstRoundDone, ReloadOutcome? lastReload, Cluster.ClusterService? cluster = null)
    {
        var ready = listenersBound && answering && firstRoundDone;
        var reason = (listenersBound, answering, firstRoundDone) switch
        {
            (false, _, _) => "Not ready: the DNS listeners are not bound yet.",
            (true, false, _) => "Not ready: the DNS listeners are bound but wait for the first result of every health check before answering (health.startupWait at most).",
            (true, true, false) => "Not ready: the first round of health checks is still running.",
            _ => "Ready: the config is loaded, the DNS listeners are bound and the first round of health checks is done.",
        };
        if (lastReload is { Succeeded: false } rejected)
        {
            reason += string.Create(CultureInfo.InvariantCulture, $" The last reload ({rejected.At:u}) was rejected with {rejected.ErrorCount} error(s), so the previous config is still served; GET /api/reload lists them.");
        }

        if (cluster is { Connected: false, LostSince: { } lost })
        {
            reason += cluster.ActingOnOwnVerdicts
                ? string.Create(CultureInfo.InvariantCulture, $" Cluster: etcd out of reach since {lost:u}; acting on this location's own verdicts (cluster.ownVerdictsAfter).")
                : string.Create(CultureInfo.InvariantCulture, $" Cluster: etcd out of reach since {lost:u}; serving the last agreed state, no check changes until it is back.");
        }

        var summary = lastReload is null ? null : new ReloadSummaryView(lastReload.Succeeded, lastReload.At, lastReload.ErrorCount);
        return new ReadinessView(ready, reason, true, listenersBound, answering, firstRoundDone, summary) { ClusterConnected = cluster?.Connected };
    }
}
