using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using FailoverDns.Health.Checks;

namespace FailoverDns.Health.Probes;

/// <summary>
/// An HTTP or HTTPS health check with Route 53 semantics: connect within the connect timeout,
/// the status line within the response timeout counted from the connection, redirects not
/// followed, an optional case-sensitive match in the first 5,120 bytes of the body.
/// </summary>
/// <remarks>
/// The handler's connect callback resolves, connects and (for HTTPS) does the TLS handshake
/// itself, which is what lets a resolver failure, a refusal, a connect timeout, a TLS failure and
/// a response timeout be told apart. Every probe opens a fresh connection, so a dead server is
/// noticed rather than masked by a pooled one. Timeouts run on the injected
/// <see cref="TimeProvider"/>. One instance is meant to be probed by one caller at a time (the
/// monitor's schedule); overlapping calls stay correct and bounded, but a connection opened for one
/// call may serve the other, blurring which of them the connect and response timings belong to.
/// </remarks>
internal sealed class HttpProbe : IProbe
{
    private const int MaxMatchInDetail = 40;

    private static readonly HttpRequestOptionsKey<HttpProbeAttempt> AttemptKey = new("FailoverDns.HttpProbeAttempt");

    private readonly EndpointCheckOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly HttpProbeEndpoint _endpoint;
    private readonly byte[]? _match;
    private readonly bool _tls;
    private readonly HttpMessageInvoker _invoker;

    /// <exception cref="ArgumentException">The options cannot form a request, or are not HTTP/HTTPS.</exception>
    public HttpProbe(EndpointCheckOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (options.Protocol is not (ProbeProtocol.Http or ProbeProtocol.Https))
        {
            throw new ArgumentException($"An HTTP probe cannot check {options.Protocol}.", nameof(options));
        }

        _options = options;
        _timeProvider = timeProvider;
        _endpoint = HttpProbeEndpoint.FromOptions(options);
        if (options.Method is not ("GET" or "HEAD") || (options.Method == "HEAD" && !string.IsNullOrEmpty(options.Match)))
        {
            throw new ArgumentException($"An HTTP probe sends GET, or HEAD without a match, not {options.Method}.", nameof(options));
        }

        _match = string.IsNullOrEmpty(options.Match) ? null : Encoding.UTF8.GetBytes(options.Match);
        _tls = options.Protocol == ProbeProtocol.Https;

        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,

            // The probe must reach the endpoint itself, whatever HTTP_PROXY says.
            UseProxy = false,

            // Zero lifetime: a connection is never returned to the pool, so each probe connects anew.
            PooledConnectionLifetime = TimeSpan.Zero,

            // A backstop only; the callback enforces the real connect and TLS timeouts.
            ConnectTimeout = options.ConnectTimeout + options.ResponseTimeout + TimeSpan.FromSeconds(1),
            ConnectCallback = ConnectAsync,

            // No tracing headers: the endpoint sees the same request at every probe.
            ActivityHeadersPropagator = null,
        };
        _invoker = new HttpMessageInvoker(handler, disposeHandler: true);
    }

    /// <summary>
    /// Probes once. Never throws, except <see cref="OperationCanceledException"/> when
    /// <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public async Task<ProbeResult> ProbeAsync(CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        using var attempt = new HttpProbeAttempt(_options, _timeProvider, cancellationToken);
        try
        {
            using var request = CreateRequest(attempt);
            using var response = await _invoker.SendAsync(request, attempt.Token);
            var status = (int)response.StatusCode;
            if (!IsHealthy(status))
            {
                return Failed(ProbeFailure.StatusCode, FormattableString.Invariant($"HTTP {status}"), started, status);
            }

            if (_match is not null)
            {
                attempt.Enter(HttpProbePhase.ReadingBody);
                if (!await BodyPrefixContainsAsync(response.Content, _match, attempt.Token))
                {
                    return Failed(ProbeFailure.StringNotFound, FormattableString.Invariant($"HTTP {status}, \"{Abbreviate(_options.Match!)}\" not in the first {EndpointCheckOptions.MatchWindow} bytes"), started, status);
                }
            }

            return ProbeResult.Success(_timeProvider.GetElapsedTime(started), _timeProvider.GetUtcNow(), FormattableString.Invariant($"HTTP {status}"), status);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            var (failure, detail) = Classify(attempt, ex);
            return Failed(failure, detail, started, null);
        }
    }

    public void Dispose() => _invoker.Dispose();

    private static async Task<bool> BodyPrefixContainsAsync(HttpContent content, byte[] match, CancellationToken cancellationToken)
    {
        var buffer = new byte[EndpointCheckOptions.MatchWindow];
        var filled = 0;
        await using var body = await content.ReadAsStreamAsync(cancellationToken);

        // Each pass reads at least one byte or ends: at most MatchWindow passes.
        while (filled < buffer.Length)
        {
            var read = await body.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return buffer.AsSpan(0, filled).IndexOf(match) >= 0;
    }

    private static (ProbeFailure Failure, string Detail) Classify(HttpProbeAttempt attempt, Exception exception)
    {
        if (attempt.Failure is { } recorded)
        {
            return (recorded.Failure, recorded.Detail);
        }

        if (attempt.DeadlineExpired)
        {
            var within = DurationText.Format(attempt.ResponseTimeout);
            return attempt.Phase switch
            {
                HttpProbePhase.Connecting => (ProbeFailure.ConnectTimeout, "no connection established"),
                HttpProbePhase.TlsHandshake => (ProbeFailure.ResponseTimeout, $"no TLS handshake within {within}"),
                HttpProbePhase.ReadingBody => (ProbeFailure.ResponseTimeout, $"body not received within {within}"),
                _ => (ProbeFailure.ResponseTimeout, $"no response within {within}"),
            };
        }

        return (ProbeFailure.ConnectionError, Describe(exception));
    }

    private static string Describe(Exception exception) => exception switch
    {
        HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded } => "connection closed before the response",
        HttpRequestException { HttpRequestError: HttpRequestError.InvalidResponse } => "invalid HTTP response",
        HttpRequestException { HttpRequestError: HttpRequestError.ConfigurationLimitExceeded } => "response headers too large",
        HttpRequestException { InnerException: { } inner } => Describe(inner),
        SocketException socket => $"connection error: {socket.SocketErrorCode}",
        IOException { InnerException: SocketException socket } => $"connection error: {socket.SocketErrorCode}",
        _ => $"{exception.GetType().Name}: {exception.Message}",
    };

    private static string Abbreviate(string text) => text.Length <= MaxMatchInDetail ? text : string.Concat(text.AsSpan(0, MaxMatchInDetail), "…");

    private HttpRequestMessage CreateRequest(HttpProbeAttempt attempt)
    {
        var request = new HttpRequestMessage(_options.Method == "HEAD" ? HttpMethod.Head : HttpMethod.Get, _endpoint.RequestUri)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Host = _endpoint.HostHeader;
        request.Headers.ConnectionClose = true;
        request.Headers.TryAddWithoutValidation("User-Agent", _options.UserAgent);
        foreach (var (name, value) in _options.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        request.Options.Set(AttemptKey, attempt);
        return request;
    }

    private bool IsHealthy(int status)
    {
        foreach (var range in _options.HealthyStatuses)
        {
            if (range.Contains(status))
            {
                return true;
            }
        }

        return false;
    }

    private ProbeResult Failed(ProbeFailure failure, string detail, long started, int? status) =>
        ProbeResult.Failed(failure, detail, _timeProvider.GetElapsedTime(started), _timeProvider.GetUtcNow(), status);

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        if (!context.InitialRequestMessage.Options.TryGetValue(AttemptKey, out var attempt))
        {
            throw new InvalidOperationException("The request was not created by this probe.");
        }

        using var scope = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, attempt.Token);
        var outcome = await TcpConnector.ConnectAsync(_options.Target, _options.Port, _options.ConnectTimeout, _timeProvider, scope.Token, _options.SourceAddress);
        if (outcome.Socket is not { } socket)
        {
            attempt.Fail(outcome.Failure, outcome.Detail);
            throw new IOException(outcome.Detail);
        }

        attempt.Connected(_tls ? HttpProbePhase.TlsHandshake : HttpProbePhase.AwaitingResponse);
        var stream = new NetworkStream(socket, ownsSocket: true);
        if (!_tls)
        {
            return stream;
        }

        var tls = new SslStream(stream, leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(CreateTlsOptions(attempt, socket), scope.Token);
        }
        catch (Exception ex)
        {
            await tls.DisposeAsync();

            // A timeout or cancellation is classified from the attempt's deadline, not here.
            if (ex is not OperationCanceledException)
            {
                attempt.Fail(ProbeFailure.TlsError, $"TLS handshake failed: {ex.Message}");
            }

            throw;
        }

        attempt.Enter(HttpProbePhase.AwaitingResponse);
        return tls;
    }

    private SslClientAuthenticationOptions CreateTlsOptions(HttpProbeAttempt attempt, Socket socket) => new()
    {
        // .NET sends no SNI for an IP literal target host: that is how "SNI off" is expressed.
        TargetHost = _endpoint.SniHostName ?? (socket.RemoteEndPoint as IPEndPoint)?.Address.ToString() ?? string.Empty,
        RemoteCertificateValidationCallback = (_, certificate, chain, errors) => ValidateCertificate(attempt, certificate, chain, errors),

        // The chain is built even when validation is off. Revocation lookups and intermediate
        // (AIA) downloads are synchronous network fetches our timeouts cannot interrupt, and would
        // make the probe depend on CRL/OCSP/CA servers: neither is done.
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        CertificateChainPolicy = CreateChainPolicy(),
    };

    private X509ChainPolicy CreateChainPolicy()
    {
        var policy = new X509ChainPolicy
        {
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
        };

        // caFile: the internal CA is trusted in place of the system's roots, for this check only.
        if (_options.TrustedCertificates.Count > 0)
        {
            policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            policy.CustomTrustStore.AddRange(_options.TrustedCertificates.ToArray());
        }

        return policy;
    }

    private bool ValidateCertificate(HttpProbeAttempt attempt, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        // Route 53 does not validate certificates; a check opts in (a caFile does).
        if (!_options.ValidateCertificate && _options.TrustedCertificates.Count == 0)
        {
            return true;
        }

        if (_endpoint.SniHostName is null && certificate is not null)
        {
            // With SNI off the TLS target host was the peer's IP literal, so the name check the
            // platform did is against the wrong name: redo it against the expected one.
            errors &= ~SslPolicyErrors.RemoteCertificateNameMismatch;
            if (certificate is not X509Certificate2 full || !full.MatchesHostname(_endpoint.CertificateHostName))
            {
                errors |= SslPolicyErrors.RemoteCertificateNameMismatch;
            }
        }

        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        var chainFlags = X509ChainStatusFlags.NoError;
        if ((errors & SslPolicyErrors.RemoteCertificateChainErrors) != 0 && chain is not null)
        {
            foreach (var status in chain.ChainStatus)
            {
                chainFlags |= status.Status;
            }
        }

        attempt.Fail(ProbeFailure.TlsError, chainFlags == X509ChainStatusFlags.NoError ? $"certificate: {errors}" : $"certificate: {errors} ({chainFlags})");
        return false;
    }
}
