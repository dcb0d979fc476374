using FailoverDns.Health.Checks;

namespace FailoverDns.Health.Probes;

/// <summary>
/// The state of one HTTP(S) probe, shared between <see cref="HttpProbe.ProbeAsync"/> and the
/// handler's connect callback (which runs on the handler's own flow and can only report back
/// through the request).
/// </summary>
internal sealed class HttpProbeAttempt : IDisposable
{
    private readonly TimeSpan _responseTimeout;
    private readonly CancellationTokenSource _deadline;
    private readonly CancellationTokenSource _linked;
    private int _phase;
    private ConnectOutcome? _failure;

    public HttpProbeAttempt(EndpointCheckOptions options, TimeProvider timeProvider, CancellationToken callerToken)
    {
        _responseTimeout = options.ResponseTimeout;
        CallerToken = callerToken;

        // Before the connection exists the connector enforces the connect timeout; this deadline is
        // a backstop that bounds the probe even if the connect callback never reports (a connection
        // opened for another request may serve this one). Once connected it becomes the response timeout.
        _deadline = new CancellationTokenSource(options.ConnectTimeout + options.ResponseTimeout, timeProvider);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(callerToken, _deadline.Token);
        Token = _linked.Token;
    }

    public CancellationToken CallerToken { get; }

    /// <summary>Cancelled by the caller or when the deadline passes.</summary>
    public CancellationToken Token { get; }

    public HttpProbePhase Phase => (HttpProbePhase)Volatile.Read(ref _phase);

    public bool DeadlineExpired => _deadline.IsCancellationRequested;

    /// <summary>The first failure the connect callback recorded, if any.</summary>
    public ConnectOutcome? Failure => Volatile.Read(ref _failure);

    public TimeSpan ResponseTimeout => _responseTimeout;

    public void Enter(HttpProbePhase phase) => Volatile.Write(ref _phase, (int)phase);

    /// <summary>Starts the response timeout: Route 53 counts it from the established connection.</summary>
    public void Connected(HttpProbePhase next)
    {
        Enter(next);
        try
        {
            // Rescheduling keeps the TimeProvider the source was created with (.NET 8+).
            _deadline.CancelAfter(_responseTimeout);
        }
        catch (ObjectDisposedException)
        {
            // The probe already finished; the callback's own token is cancelled too.
        }
    }

    public void Fail(ProbeFailure failure, string detail) =>
        Interlocked.CompareExchange(ref _failure, ConnectOutcome.Failed(failure, detail), null);

    public void Dispose()
    {
        // Cancelling first aborts a connect callback that might still run for this request.
        _linked.Cancel();
        _linked.Dispose();
        _deadline.Dispose();
    }
}
