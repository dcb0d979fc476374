using System.Text.Json;
using Etcdserverpb;
using FailoverDns.Configuration;
using FailoverDns.Health.Checks;
using FailoverDns.Health.State;
using FailoverDns.Server.Persistence;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FailoverDns.Server.Cluster;

/// <summary>
/// Cluster mode's link to etcd. It keeps a session open (a lease, a watch on the cluster's prefix and
/// the lease's keep-alive), publishes this location's verdicts under the lease, mirrors every
/// location's, and applies what the quorum rule makes of them, and the cluster's overrides, through
/// the health pipeline. When etcd is out of reach nothing is decided: the last agreed state stands
/// (unless <c>cluster.ownVerdictsAfter</c> says otherwise) and the next session catches up.
/// </summary>
public sealed partial class ClusterService(
    ClusterOptions options,
    ClusterVerdicts verdicts,
    HealthStateStore store,
    HealthPipeline pipeline,
    StateFile stateFile,
    TimeProvider time,
    ILogger<ClusterService> logger) : IHostedService, IDisposable
{
    /// <summary>etcd accepts at most 128 operations in one transaction by default.</summary>
    private const int MaxOpsPerTxn = 128;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private readonly ClusterMirror _mirror = new(new ClusterKeys(options.Prefix));
    private readonly CancellationTokenSource _stop = new();
    private readonly DateTimeOffset _started = time.GetUtcNow();
    private volatile EtcdSession? _session;
    private Task _run = Task.CompletedTask;
    private ITimer? _fallbackTimer;
    private DateTimeOffset _lostSince;
    /// <summary>UTC ticks until which decisions are held back after a long loss; 0 once the settle is over.</summary>
    private long _settlingUntil;
    private volatile string? _lastError;
    private long _writes;
    private long _events;
    private int _sessions;

    public ClusterOptions Options => options;

    private ClusterKeys Keys => _mirror.Keys;

    /// <summary>True while a session with etcd is open and its watch is current.</summary>
    public bool Connected => _session is not null;

    /// <summary>Since when etcd has been out of reach (the start, if it never was reached); null while connected.</summary>
    public DateTimeOffset? LostSince => Connected ? null : _lostSince;

    public string? LastError => _lastError;

    public bool ActingOnOwnVerdicts => verdicts.ActingOnOwn;

    /// <summary>Writes to etcd (puts and deletes, each operation counted) and watched changes received: the traffic this location causes and sees.</summary>
    public (long Writes, long Events) Traffic => (Interlocked.Read(ref _writes), Interlocked.Read(ref _events));

    public IReadOnlyDictionary<string, LocationRecord> Locations => _mirror.Locations();

    /// <summary>What every location says of <paramref name="check"/> and what the rule makes of it now.</summary>
    public QuorumDecision Explain(HealthCheckDefinition check) => QuorumDecision.Decide(check, _mirror.Verdicts(check.Name), options.Quorum);

    /// <summary>Every location's verdicts on every check, for the metrics.</summary>
    public IEnumerable<(string Check, string Location, LocationVerdict Verdict)> AllVerdicts() =>
        _mirror.Checks().SelectMany(check => _mirror.Verdicts(check).Select(v => (check, v.Key, v.Value)));

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _lostSince = _started;
        _run = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        if (options.OwnVerdictsAfter is not null)
        {
            _fallbackTimer = time.CreateTimer(_ => CheckFallback(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _fallbackTimer?.Dispose();
        await _stop.CancelAsync();
        await _run.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose()
    {
        _fallbackTimer?.Dispose();
        _stop.Dispose();
    }

    /// <summary>Sets an override cluster-wide: stored in etcd, under a lease that ends with it.</summary>
    /// <exception cref="ClusterUnavailableException">etcd is out of reach: nothing was set.</exception>
    public async Task PutOverrideAsync(string check, HealthOverride value, CancellationToken cancellationToken)
    {
        var session = _session ?? throw Unavailable(null);
        try
        {
            var lease = value.Until is { } until ? await session.GrantAsync(until - time.GetUtcNow(), cancellationToken) : 0;
            var record = new OverrideRecord(value.State.ToName(), value.Until, value.Reason, value.Since, options.Location);
            await session.PutAsync(Keys.Override(check), JsonSerializer.SerializeToUtf8Bytes(record, ClusterJsonContext.Default.OverrideRecord), lease, cancellationToken);
            Interlocked.Increment(ref _writes);
        }
        catch (RpcException e)
        {
            throw Unavailable(e);
        }
    }

    /// <summary>Clears an override cluster-wide.</summary>
    /// <exception cref="ClusterUnavailableException">etcd is out of reach: nothing was cleared.</exception>
    public async Task DeleteOverrideAsync(string check, CancellationToken cancellationToken)
    {
        var session = _session ?? throw Unavailable(null);
        try
        {
            await session.DeleteAsync(Keys.Override(check), cancellationToken);
            Interlocked.Increment(ref _writes);
        }
        catch (RpcException e)
        {
            throw Unavailable(e);
        }
    }

    /// <summary>After a reload: verdicts on removed checks are taken back, and every check is decided under its new definition.</summary>
    public void Reconcile(IEnumerable<HealthCheckDefinition> definitions)
    {
        verdicts.Reconcile(definitions);
        if (Connected)
        {
            ApplyOverrides(store.All.Select(s => s.Name));
            Decide(store.All.Select(s => s.Name));
        }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var failures = 0;
        for (var attempt = 0; !stop.IsCancellationRequested; attempt++)
        {
            var endpoint = options.Endpoints[attempt % options.Endpoints.Count];
            try
            {
                using var session = await EtcdSession.OpenAsync(options, endpoint, stop);
                failures = 0;
                await RunSessionAsync(session, stop);
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                Lost(endpoint, e);
                failures++;
            }
            catch (OperationCanceledException)
            {
                return;
            }

            // Backing off only after failing on every endpoint in turn.
            if (failures >= options.Endpoints.Count)
            {
                var backoff = TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 250 * Math.Pow(2, Math.Min(failures / options.Endpoints.Count, 5))));
                await Task.Delay(backoff, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task RunSessionAsync(EtcdSession session, CancellationToken stop)
    {
        using var sessionStop = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var token = sessionStop.Token;
        var location = new LocationRecord(options.Label, _started);
        await session.PutAsync(Keys.Location(options.Location), JsonSerializer.SerializeToUtf8Bytes(location, ClusterJsonContext.Default.LocationRecord), session.LeaseId, token);

        // Ours first (a new lease holds none of them), so the read below sees them too.
        verdicts.RepublishAll();
        await PublishAsync(session, token);
        var range = await session.RangeAsync(Keys.Prefix, token);
        _mirror.Reset(range.Kvs);
        Interlocked.Add(ref _events, range.Kvs.Count);
        var settle = Connect(session);
        try
        {
            // Overrides first: the first agreed state may open the start-up gate, and answers must not precede them.
            ApplyOverrides(store.All.Select(s => s.Name));
            Decide(store.All.Select(s => s.Name));
            var settled = SettleAsync(settle, token);
            Task[] loops = [WatchAsync(session, range.Header.Revision + 1, token), KeepAliveAsync(session, token), PublishLoopAsync(session, token)];
            var ended = await Task.WhenAny(loops);
            await sessionStop.CancelAsync();
            await Task.WhenAll([.. loops, settled]).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await ended; // its exception says why the session ended
            throw new ClusterUnavailableException("etcd ended the session");
        }
        finally
        {
            _session = null;
            if (stop.IsCancellationRequested)
            {
                await RevokeAsync(session);
            }
        }
    }

    /// <summary>A location that stops is no longer one: revoking its lease takes its verdicts away now, not after leaseTtl.</summary>
    private async Task RevokeAsync(EtcdSession session)
    {
        try
        {
            using var deadline = new CancellationTokenSource(options.Timeout);
            await session.Leases.LeaseRevokeAsync(new LeaseRevokeRequest { ID = session.LeaseId }, session.Call(deadline.Token));
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException)
        {
            LogRevokeFailed(logger, e.Message);
        }
    }

    /// <summary>Marks the session open; returns how long to hold decisions back while the other locations come back too.</summary>
    private TimeSpan Connect(EtcdSession session)
    {
        var firstTime = Interlocked.Exchange(ref _sessions, _sessions + 1) == 0;
        var now = time.GetUtcNow();
        _session = session;
        _lastError = null;
        if (verdicts.ActingOnOwn)
        {
            verdicts.ActOnOwn(false);
            LogBackFromOwn(logger);
        }

        if (firstTime)
        {
            LogConnected(logger, session.Endpoint.ToString(), options.Location);
            return TimeSpan.Zero;
        }

        LogReconnected(logger, session.Endpoint.ToString(), (now - _lostSince).TotalSeconds);

        // Gone longer than a lease, and the other locations' verdicts may have expired while etcd was
        // cut off from all of them: the first location back must not decide alone. The others retry
        // within one backoff and a call's timeout.
        if (now - _lostSince >= options.LeaseTtl)
        {
            var settle = MaxBackoff + options.Timeout;
            Volatile.Write(ref _settlingUntil, (now + settle).UtcTicks);
            LogSettling(logger, settle.TotalSeconds);
        }

        // A settle an earlier session began and did not see out is this session's to finish: nothing
        // else decides what arrived while it held decisions back.
        var until = Volatile.Read(ref _settlingUntil);
        if (until > now.UtcTicks)
        {
            return TimeSpan.FromTicks(until - now.UtcTicks);
        }

        Volatile.Write(ref _settlingUntil, 0);
        return TimeSpan.Zero;
    }

    private async Task SettleAsync(TimeSpan settle, CancellationToken token)
    {
        if (settle > TimeSpan.Zero)
        {
            await Task.Delay(settle, time, token);

            // Over by this timer, not by the clock, which a timer may run a little ahead of.
            Volatile.Write(ref _settlingUntil, 0);
            Decide(store.All.Select(s => s.Name));
        }
    }

    private void Lost(Uri endpoint, Exception e)
    {
        var message = e is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : e.Message;
        var first = _lastError is null;
        _lastError = $"{endpoint}: {message}";
        if (!first)
        {
            LogStillLost(logger, endpoint.ToString(), message);
        }
        else if (Volatile.Read(ref _sessions) == 0)
        {
            LogNotReached(logger, endpoint.ToString(), message);
        }
        else
        {
            _lostSince = time.GetUtcNow();
            LogLost(logger, endpoint.ToString(), message);
        }
    }

    private async Task WatchAsync(EtcdSession session, long fromRevision, CancellationToken token)
    {
        using var call = session.Watches.Watch(session.Stream(token));
        await call.RequestStream.WriteAsync(new WatchRequest
        {
            CreateRequest = new WatchCreateRequest { Key = ByteString.CopyFromUtf8(Keys.Prefix), RangeEnd = EtcdSession.RangeEnd(Keys.Prefix), StartRevision = fromRevision },
        }, token);
        while (await call.ResponseStream.MoveNext(token))
        {
            var response = call.ResponseStream.Current;
            if (response.Canceled || response.CompactRevision != 0)
            {
                throw new ClusterUnavailableException($"etcd cancelled the watch ({response.CancelReason}): reading everything again");
            }

            Interlocked.Add(ref _events, response.Events.Count);
            var checks = new HashSet<string>(StringComparer.Ordinal);
            var overrides = new HashSet<string>(StringComparer.Ordinal);
            foreach (var change in response.Events)
            {
                switch (_mirror.Apply(change))
                {
                    case { Kind: ClusterKeyKind.Verdict, Check: { } check }:
                        checks.Add(check);
                        break;
                    case { Kind: ClusterKeyKind.Override, Check: { } check }:
                        overrides.Add(check);
                        break;
                }
            }

            Decide(checks);
            ApplyOverrides(overrides);
        }

        throw new ClusterUnavailableException("etcd closed the watch");
    }

    private async Task KeepAliveAsync(EtcdSession session, CancellationToken token)
    {
        using var call = session.Leases.LeaseKeepAlive(session.Stream(token));
        while (true)
        {
            await call.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = session.LeaseId }, token);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(token);
            deadline.CancelAfter(options.Timeout);
            if (!await call.ResponseStream.MoveNext(deadline.Token))
            {
                throw new ClusterUnavailableException("etcd closed the lease keep-alive");
            }

            if (call.ResponseStream.Current.TTL <= 0)
            {
                // Gone, and this location's verdicts with it: a new session publishes them again.
                throw new ClusterUnavailableException("the lease expired");
            }

            await Task.Delay(options.LeaseTtl / 3, token);
        }
    }

    private async Task PublishLoopAsync(EtcdSession session, CancellationToken token)
    {
        while (await verdicts.Changed.WaitToReadAsync(token))
        {
            verdicts.Changed.TryRead(out _);
            await PublishAsync(session, token);
        }
    }

    /// <summary>Writes this location's changed verdicts, up to <see cref="MaxOpsPerTxn"/> in one transaction.</summary>
    private async Task PublishAsync(EtcdSession session, CancellationToken token)
    {
        foreach (var chunk in verdicts.TakeUnpublished().Chunk(MaxOpsPerTxn))
        {
            var txn = new TxnRequest();
            foreach (var (check, verdict) in chunk)
            {
                var key = ByteString.CopyFromUtf8(Keys.Verdict(check, options.Location));
                txn.Success.Add(verdict is null
                    ? new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = key } }
                    : new RequestOp { RequestPut = new PutRequest { Key = key, Value = ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(verdict, ClusterJsonContext.Default.LocationVerdict)), Lease = session.LeaseId } });
            }

            await session.Kv.TxnAsync(txn, session.Call(token));
            Interlocked.Add(ref _writes, chunk.Length);
        }
    }

    /// <summary>Decides <paramref name="checks"/> by the quorum rule and applies the agreed states (a check without a decision keeps its state).</summary>
    private void Decide(IEnumerable<string> checks)
    {
        var agreed = new List<CheckVerdict>();
        foreach (var name in checks)
        {
            if (store.Get(name)?.Definition is { IsProbed: true } check && Explain(check) is { Status: { } status } decision)
            {
                agreed.Add(new CheckVerdict(check, status, decision.Reason));
            }
        }

        if (agreed.Count > 0 && !verdicts.ActingOnOwn && Volatile.Read(ref _settlingUntil) == 0)
        {
            pipeline.ApplyAgreed(agreed);
        }
    }

    /// <summary>Makes the overrides of <paramref name="checks"/> what etcd holds, and keeps them in the state file for a start without etcd.</summary>
    private void ApplyOverrides(IEnumerable<string> checks)
    {
        var stored = _mirror.Overrides();
        var now = time.GetUtcNow();
        var changed = false;
        foreach (var check in checks)
        {
            if (store.Get(check) is not { } state)
            {
                continue;
            }

            var wanted = stored.TryGetValue(check, out var record) && HealthStatusNames.TryParse(record.State, out var forced) && forced != HealthStatus.Unknown && !(record.Until <= now)
                ? new HealthOverride(forced, record.Until, OverrideReason.Sanitize(record.Reason ?? ""), record.Since)
                : null;
            if (state.Override == wanted)
            {
                continue;
            }

            if (wanted is null)
            {
                LogOverrideCleared(logger, check);
            }
            else
            {
                LogOverrideApplied(logger, check, wanted.State.ToName(), record!.SetAt, wanted.Reason);
            }

            pipeline.SetOverride(check, wanted);
            changed = true;
        }

        if (changed)
        {
            stateFile.Write(store);
        }
    }

    private void CheckFallback()
    {
        try
        {
            if (options.OwnVerdictsAfter is { } after && !Connected && !verdicts.ActingOnOwn && time.GetUtcNow() - _lostSince >= after)
            {
                LogActingOnOwn(logger, after.TotalSeconds);
                pipeline.ApplyAgreed(verdicts.ActOnOwn(true));
            }
        }
        catch (Exception e)
        {
            LogFallbackFailed(logger, e);
        }
    }

    private static ClusterUnavailableException Unavailable(RpcException? e) =>
        new(e is null ? "etcd is out of reach" : $"etcd refused or did not answer ({e.StatusCode}: {e.Status.Detail})", e);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster: connected to etcd at {Endpoint} as location {Location}")]
    private static partial void LogConnected(ILogger logger, string endpoint, string location);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster: etcd is back, at {Endpoint}, after {Seconds:0.#}s out of reach; catching up")]
    private static partial void LogReconnected(ILogger logger, string endpoint, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster: holding decisions for {Seconds:0.#}s more, so that the other locations can publish again before the agreed state changes")]
    private static partial void LogSettling(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster: lost etcd at {Endpoint} ({Error}); serving the last agreed state until it is back")]
    private static partial void LogLost(ILogger logger, string endpoint, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster: cannot reach etcd at {Endpoint} ({Error}); serving the states in the state file, if any, until it can")]
    private static partial void LogNotReached(ILogger logger, string endpoint, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Cluster: etcd at {Endpoint} still out of reach ({Error})")]
    private static partial void LogStillLost(ILogger logger, string endpoint, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster: etcd out of reach for {Seconds:0.#}s (cluster.ownVerdictsAfter): acting on this location's own verdicts until it is back")]
    private static partial void LogActingOnOwn(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster: etcd is back; acting on the agreed state again, not this location's own verdicts")]
    private static partial void LogBackFromOwn(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Override from the cluster: health check {Check} forced {State} (set at location {SetAt}: {Reason})")]
    private static partial void LogOverrideApplied(ILogger logger, string check, string state, string setAt, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Override of health check {Check} cleared in the cluster")]
    private static partial void LogOverrideCleared(ILogger logger, string check);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Cluster: revoking the lease at stop failed ({Error}); its verdicts expire with it")]
    private static partial void LogRevokeFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cluster: switching to this location's own verdicts failed; tried again in a second")]
    private static partial void LogFallbackFailed(ILogger logger, Exception exception);
}

/// <summary>etcd could not be reached or refused a write: what was asked of the cluster did not happen.</summary>
public sealed class ClusterUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
