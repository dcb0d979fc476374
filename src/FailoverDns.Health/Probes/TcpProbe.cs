using FailoverDns.Health.Checks;

namespace FailoverDns.Health.Probes;

/// <summary>
/// A TCP health check (Route 53): healthy when the TCP handshake completes within the connect
/// timeout, whatever the target does next (reset, close, silence); the connection is closed at once.
/// </summary>
internal sealed class TcpProbe : IProbe
{
    private readonly EndpointCheckOptions _options;
    private readonly TimeProvider _timeProvider;

    public TcpProbe(EndpointCheckOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options;
        _timeProvider = timeProvider;
    }

    /// <summary>
    /// Probes once. Never throws, except <see cref="OperationCanceledException"/> when
    /// <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public async Task<ProbeResult> ProbeAsync(CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        ConnectOutcome outcome;
        try
        {
            outcome = await TcpConnector.ConnectAsync(_options.Target, _options.Port, _options.ConnectTimeout, _timeProvider, cancellationToken, _options.SourceAddress);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            outcome = ConnectOutcome.Failed(ProbeFailure.ConnectionError, $"{ex.GetType().Name}: {ex.Message}");
        }

        var latency = _timeProvider.GetElapsedTime(started);
        outcome.Socket?.Dispose();
        if (outcome.HandshakeCompleted)
        {
            return ProbeResult.Success(latency, _timeProvider.GetUtcNow(), outcome.Detail);
        }

        return ProbeResult.Failed(outcome.Failure, outcome.Detail, latency, _timeProvider.GetUtcNow());
    }

    public void Dispose()
    {
        // Holds nothing between probes: every probe opens and closes its own socket.
    }
}
