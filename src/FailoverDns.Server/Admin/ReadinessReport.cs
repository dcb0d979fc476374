using System.Globalization;
using FailoverDns.Server.Lifecycle;

namespace FailoverDns.Server.Admin;

/// <summary>Builds the <c>/readyz</c> body: ready or not, and why in one sentence an operator can act on.</summary>
internal static class ReadinessReport
{
    public static ReadinessView Build(bool listenersBound, bool answering, bool firstRoundDone, ReloadOutcome? lastReload)
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

        var summary = lastReload is null ? null : new ReloadSummaryView(lastReload.Succeeded, lastReload.At, lastReload.ErrorCount);
        return new ReadinessView(ready, reason, true, listenersBound, answering, firstRoundDone, summary);
    }
}
