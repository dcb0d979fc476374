namespace FailoverDns.Health.Probes;

/// <summary>The outcome of one probe. Probes never throw: an exception becomes a failed result.</summary>
public sealed record ProbeResult(bool Succeeded, ProbeFailure Failure, string Detail, TimeSpan Latency, DateTimeOffset CompletedAt, int? StatusCode = null)
{
    public static ProbeResult Success(TimeSpan latency, DateTimeOffset at, string detail, int? statusCode = null) =>
        new(true, ProbeFailure.None, detail, latency, at, statusCode);

    public static ProbeResult Failed(ProbeFailure failure, string detail, TimeSpan latency, DateTimeOffset at, int? statusCode = null) =>
        new(false, failure, detail, latency, at, statusCode);
}
