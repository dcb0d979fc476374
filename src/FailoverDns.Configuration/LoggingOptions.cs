namespace FailoverDns.Configuration;

/// <summary>How much is logged and in which form.</summary>
public sealed record LoggingOptions
{
    /// <summary>Serilog minimum level: Verbose, Debug, Information, Warning, Error, Fatal.</summary>
    public string Level { get; init; } = "Information";

    /// <summary><c>text</c> for people, <c>json</c> for log pipelines (compact JSON, one event per line).</summary>
    public string Format { get; init; } = "text";

    /// <summary>Log every query at Debug level; off by default because it costs throughput.</summary>
    public bool Queries { get; init; }
}
