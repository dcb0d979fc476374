using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using FailoverDns.Configuration;
using Microsoft.Extensions.Logging;

namespace FailoverDns.Server.Alerts;

/// <summary>
/// Delivers alerts to one webhook from a bounded queue (the oldest is dropped when it is full, so a
/// dead receiver never holds memory or blocks anyone), with retries and exponential backoff.
/// </summary>
internal sealed partial class WebhookSender : IDisposable
{
    public const string SignatureHeader = "X-FailoverDns-Signature";
    public const string EventHeader = "X-FailoverDns-Event";
    public const string DeliveryHeader = "X-FailoverDns-Delivery";

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(5);

    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly AlertMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Channel<(AlertPayload Payload, byte[] Body)> _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public WebhookSender(WebhookOptions options, HttpClient http, TimeProvider time, AlertMetrics metrics, ILogger logger)
    {
        Options = options;
        _http = http;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _queue = Channel.CreateBounded<(AlertPayload, byte[])>(
            new BoundedChannelOptions(options.QueueSize) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            dropped =>
            {
                LogDropped(_logger, options.SafeName, options.QueueSize, dropped.Item1.Event);
                _metrics.Delivered(options, "dropped");
            });
        _loop = Task.Run(() => DeliverAsync(_stop.Token));
    }

    public WebhookOptions Options { get; }

    public int Queued => _queue.Reader.Count;

    /// <summary>Queues an alert; never blocks.</summary>
    public void Enqueue(AlertPayload payload, byte[] body)
    {
        // A full queue drops its oldest instead; this fails only once the sender is draining.
        if (!_queue.Writer.TryWrite((payload, body)))
        {
            LogNotQueued(_logger, Options.SafeName, payload.Event);
        }
    }

    /// <summary>Takes no more alerts, returns once the queued ones are delivered or given up (or the deadline passes), and disposes.</summary>
    public async Task DrainAsync(TimeSpan deadline)
    {
        _queue.Writer.TryComplete();
        if (await Task.WhenAny(_loop, Task.Delay(deadline, _time)) != _loop)
        {
            LogAbandoned(_logger, Options.SafeName, Queued, deadline.TotalSeconds);
            await _stop.CancelAsync();
        }

        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Dispose();
    }

    public void Dispose() => _stop.Dispose();

    private async Task DeliverAsync(CancellationToken stop)
    {
        try
        {
            await foreach (var (payload, body) in _queue.Reader.ReadAllAsync(stop))
            {
                await DeliverAsync(payload, body, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Drained past its deadline: what was still queued is lost, as DrainAsync logged.
        }
    }

    private async Task DeliverAsync(AlertPayload payload, byte[] body, CancellationToken stop)
    {
        var name = Options.SafeName;
        for (var attempt = 1; ; attempt++)
        {
            var (delivered, retryable, error) = await PostAsync(payload, body, stop);
            if (delivered)
            {
                LogDelivered(_logger, name, payload.Event, attempt);
                _metrics.Delivered(Options, "delivered");
                return;
            }

            if (!retryable || attempt >= Options.MaxAttempts)
            {
                LogGaveUp(_logger, name, payload.Event, attempt, error);
                _metrics.Delivered(Options, "failed");
                return;
            }

            var backoff = TimeSpan.FromTicks(Math.Min(Options.RetryBackoff.Ticks * (1L << Math.Min(attempt - 1, 20)), MaxBackoff.Ticks));
            LogRetrying(_logger, name, payload.Event, attempt, Options.MaxAttempts, error, backoff);
            _metrics.Retried(Options);
            await Task.Delay(backoff, _time, stop);
        }
    }

    private async Task<(bool Delivered, bool Retryable, string Error)> PostAsync(AlertPayload payload, byte[] body, CancellationToken stop)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Options.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(EventHeader, payload.Event);
        request.Headers.Add(DeliveryHeader, payload.Id);
        if (Options.Secret is { } secret)
        {
            request.Headers.Add(SignatureHeader, Sign(secret, body));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(Options.Timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            var retryable = status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
            return (response.IsSuccessStatusCode, retryable, $"HTTP {status}");
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            return (false, true, $"no response within {Options.Timeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException e)
        {
            return (false, true, e.InnerException?.Message ?? e.Message);
        }
    }

    /// <summary><c>sha256=</c> and the lowercase hex HMAC-SHA256 of the body, keyed with the secret (as GitHub signs).</summary>
    public static string Sign(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhook {Webhook}: {Event} delivered (attempt {Attempt})")]
    private static partial void LogDelivered(ILogger logger, string webhook, string @event, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {Webhook}: attempt {Attempt} of {MaxAttempts} to deliver {Event} failed ({Error}); retrying in {Backoff}")]
    private static partial void LogRetrying(ILogger logger, string webhook, string @event, int attempt, int maxAttempts, string error, TimeSpan backoff);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook {Webhook}: gave up delivering {Event} after {Attempts} attempt(s): {Error}")]
    private static partial void LogGaveUp(ILogger logger, string webhook, string @event, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {Webhook}: closing; {Event} not sent")]
    private static partial void LogNotQueued(ILogger logger, string webhook, string @event);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {Webhook}: stopped after {Seconds} s of draining; {Count} queued alerts, and any being retried, are not sent")]
    private static partial void LogAbandoned(ILogger logger, string webhook, int count, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {Webhook}: {QueueSize} alerts already waiting; dropped the oldest ({Event})")]
    private static partial void LogDropped(ILogger logger, string webhook, int queueSize, string @event);
}
