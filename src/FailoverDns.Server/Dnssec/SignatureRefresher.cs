using System.Diagnostics;
using FailoverDns.Zones;
using FailoverDns.Zones.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FailoverDns.Server.Dnssec;

/// <summary>
/// Signs each signed zone again before its signatures expire (README, DNSSEC): when the earliest
/// RRSIG of a zone has less than its <c>refreshBefore</c> left. The signing runs here, off the query
/// path and outside the store's turn, so a switch never waits for it; the new signatures then join
/// whatever is served by then (<see cref="ZoneSnapshot.WithSignaturesOf"/>), and a transferred zone
/// gets a new serial so its secondaries fetch them.
/// </summary>
public sealed partial class SignatureRefresher(ZoneStore store, TimeProvider time, ILogger<SignatureRefresher> logger) : BackgroundService
{
    /// <summary>A reload may bring zones whose signatures are due sooner: look at least this often.</summary>
    public static readonly TimeSpan LongestWait = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan ShortestWait = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                wait = RefreshDue();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
                wait = TimeSpan.FromMinutes(1);
            }

            try
            {
                await Task.Delay(wait, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return; // stopping, or a start-up that failed: nothing to say
            }
        }
    }

    /// <summary>Signs again every zone that is due; returns how long until the next is.</summary>
    public TimeSpan RefreshDue()
    {
        var wait = LongestWait;
        foreach (var zone in store.Current.Zones.Where(z => z.Signing is not null))
        {
            var now = time.GetUtcNow();
            var due = DueAt(store.Current, zone);
            if (due is { } at && at <= now)
            {
                Refresh(zone, now);
                due = DueAt(store.Current, zone);
            }

            if (due is { } next && next - now < wait)
            {
                wait = next - now;
            }
        }

        return wait < ShortestWait ? ShortestWait : wait;
    }

    /// <summary>When <paramref name="zone"/>'s earliest signature enters its refresh window.</summary>
    private static DateTimeOffset? DueAt(ZoneSnapshot snapshot, Zone zone) =>
        snapshot.EarliestExpiration(zone) is { } expiration ? DateTimeOffset.FromUnixTimeSeconds(expiration) - zone.Signing!.RefreshBefore : null;

    private void Refresh(Zone zone, DateTimeOffset now)
    {
        var clock = Stopwatch.StartNew();
        var signed = store.Current.WithZoneSignedAt(zone, now);
        store.Update(current => current.Zones.Contains(zone) ? current.WithSignaturesOf(signed) : current);
        LogSigned(logger, zone.Name, signed.Signed.Count(s => s.Zone == zone), now + zone.Signing!.Validity, clock.ElapsedMilliseconds);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "DNSSEC: {Zone} signed again ({RRsets} RRsets, valid until {Until:u}) in {Milliseconds} ms")]
    private static partial void LogSigned(ILogger logger, string zone, int rrsets, DateTimeOffset until, long milliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "DNSSEC: signing again failed; trying again in a minute")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
