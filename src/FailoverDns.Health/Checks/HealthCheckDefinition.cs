namespace FailoverDns.Health.Checks;

/// <summary>
/// One named health check: an endpoint probe or a calculation over other checks, with the
/// thresholds that turn results into a state.
/// </summary>
public sealed record HealthCheckDefinition
{
    public const int DefaultThreshold = 3;

    public required string Name { get; init; }

    /// <summary>The probe, for HTTP, HTTPS and TCP checks.</summary>
    public EndpointCheckOptions? Endpoint { get; init; }

    /// <summary>The rule, for calculated checks.</summary>
    public CalculatedCheck? Calculated { get; init; }

    /// <summary>Consecutive failures that make a healthy check unhealthy (Route 53: 1-10, default 3).</summary>
    public int FailureThreshold { get; init; } = DefaultThreshold;

    /// <summary>Consecutive successes that make an unhealthy check healthy again.</summary>
    public int RecoveryThreshold { get; init; } = DefaultThreshold;

    /// <summary>Report healthy when the probe fails and unhealthy when it passes.</summary>
    public bool Invert { get; init; }

    /// <summary>Not probed, always healthy (Route 53).</summary>
    public bool Disabled { get; init; }

    /// <summary>An endpoint check that is not disabled: one whose state its own probes decide.</summary>
    public bool IsProbed => Endpoint is not null && !Disabled;

    /// <summary>
    /// A digest (SHA-256, hex) of everything <see cref="JudgesSameAs"/> compares: equal for two definitions
    /// exactly when one judges the same as the other, so a state saved under one may be restored under
    /// the other. A digest, so that the state file never holds a path or header that carries a secret.
    /// </summary>
    public string Judgement
    {
        get
        {
            var fields = new List<string?> { Name, Invert ? "inverted" : "", Disabled ? "disabled" : "" };
            if (Endpoint is { } e)
            {
                fields.AddRange([e.Protocol.ToString(), e.Target, e.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Path, e.HostHeader,
                    e.Sni ? "sni" : "", e.ServerName, e.ValidateCertificate ? "validate" : "", string.Join(",", e.HealthyStatuses), e.Match]);

                // Only what differs from the default, each field tagged: a check that sets none of
                // these keeps the digest it had before they existed, so its saved state still restores.
                fields.AddRange(e.TrustedCertificates.Select(c => "ca:" + c.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256)));
                fields.AddRange(e.Method == "GET" ? [] : ["method:" + e.Method]);
                fields.AddRange(e.UserAgent == EndpointCheckOptions.DefaultUserAgent ? [] : ["user-agent:" + e.UserAgent]);
                fields.AddRange(e.Headers.Select(h => $"header:{h.Key}:{h.Value}"));
            }

            if (Calculated is { } c)
            {
                fields.AddRange([c.RequiredHealthy.ToString(System.Globalization.CultureInfo.InvariantCulture), .. c.Children]);
            }

            // Each field escaped, so no two lists of fields make the same text.
            var text = string.Join("|", fields.Select(f => f is null ? "-" : "'" + f.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'"));
            return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
        }
    }

    /// <summary>
    /// True when <paramref name="other"/> passes judgement on the same thing (endpoint, expectations,
    /// inversion, or the same calculation), so a verdict of one holds for the other: only how often,
    /// how patiently and from where it probes (interval, timeouts, thresholds, source address) may
    /// differ. From where is the probe location's business: in a cluster, locations that probe from
    /// different addresses judge the same check.
    /// </summary>
    public bool JudgesSameAs(HealthCheckDefinition other) =>
        Name == other.Name && Invert == other.Invert && Disabled == other.Disabled && Equals(Calculated, other.Calculated)
        && (Endpoint is null
            ? other.Endpoint is null
            : other.Endpoint is not null
              && Endpoint with { Interval = other.Endpoint.Interval, ConnectTimeout = other.Endpoint.ConnectTimeout, ResponseTimeout = other.Endpoint.ResponseTimeout, SourceAddress = other.Endpoint.SourceAddress } == other.Endpoint);
}
