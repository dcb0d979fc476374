using FailoverDns.Zones.Text;

namespace FailoverDns.Configuration;

/// <summary>One webhook under <c>alerts.webhooks</c>: where events are POSTed, which ones, and how hard to try.</summary>
public sealed record WebhookOptions
{
    public const int DefaultMaxAttempts = 5;
    public const int DefaultQueueSize = 1000;

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan DefaultRetryBackoff = TimeSpan.FromSeconds(1);

    /// <summary>An absolute http or https URL.</summary>
    public required Uri Url { get; init; }

    /// <summary>The events sent to this webhook; all of them unless the config lists some.</summary>
    public IReadOnlyList<AlertEventKind> Events { get; init; } = AlertEventNames.All;

    /// <summary>
    /// The HMAC-SHA256 key for <c>X-FailoverDns-Signature</c>, from <c>secret</c> or read from the
    /// environment variable <see cref="SecretEnv"/> when the config was loaded; null: unsigned.
    /// </summary>
    public string? Secret { get; init; }

    /// <summary>The environment variable the secret was read from, if it was.</summary>
    public string? SecretEnv { get; init; }

    /// <summary>Each attempt, connect to response headers.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>Attempts per event, the first included: 1 means no retry.</summary>
    public int MaxAttempts { get; init; } = DefaultMaxAttempts;

    /// <summary>The wait before the first retry; each further retry waits twice as long (at most 5 minutes).</summary>
    public TimeSpan RetryBackoff { get; init; } = DefaultRetryBackoff;

    /// <summary>Events waiting for delivery; past this the oldest is dropped.</summary>
    public int QueueSize { get; init; } = DefaultQueueSize;

    public SourceLocation Location { get; init; }

    /// <summary>
    /// Scheme, host and port only: webhook URLs often carry their credential in the path or query
    /// (Slack, Teams), so logs name a webhook by this and never by <see cref="Url"/>.
    /// </summary>
    public string SafeName => $"{Url.Scheme}://{Url.Authority}";

    public bool Accepts(AlertEventKind kind) => Events.Contains(kind);

    /// <summary>Neither the secret nor the full URL, so that printing a config never leaks them.</summary>
    public override string ToString() => $"webhook {SafeName} at {Location}";
}
