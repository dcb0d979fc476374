using FailoverDns.Health.Policy;

namespace FailoverDns.Configuration;

/// <summary>
/// The <c>cluster</c> section: this instance is one probe location of several, which publish their
/// verdicts to etcd and serve the state a quorum rule makes of them. Null in the config: one instance
/// on its own, as without cluster mode.
/// </summary>
public sealed record ClusterOptions
{
    public const string DefaultPrefix = "/failoverdns/";
    public const string PasswordVariable = "FAILOVERDNS_ETCD_PASSWORD";
    public static readonly TimeSpan DefaultLeaseTtl = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);

    /// <summary>This probe location's name, unique in the cluster: letters, digits, '.', '-' and '_'.</summary>
    public required string Location { get; init; }

    /// <summary>Free text shown beside the name (a city, a provider).</summary>
    public string? Label { get; init; }

    /// <summary>etcd's client URLs (http or https), tried in turn.</summary>
    public required IReadOnlyList<Uri> Endpoints { get; init; }

    /// <summary>Every key this cluster writes starts with it, so several clusters can share one etcd.</summary>
    public string Prefix { get; init; } = DefaultPrefix;

    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>The CA that signed etcd's certificate (PEM); null: the system's trust store.</summary>
    public string? CaFile { get; init; }

    /// <summary>A client certificate and its key (PEM), for etcd's <c>--client-cert-auth</c>.</summary>
    public string? CertFile { get; init; }

    public string? KeyFile { get; init; }

    /// <summary>Longest one call to etcd may take.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>How long a location's verdicts outlive its last word with etcd: a location silent this long drops out.</summary>
    public TimeSpan LeaseTtl { get; init; } = DefaultLeaseTtl;

    /// <summary>How the live locations' verdicts make a check's state.</summary>
    public QuorumRule Quorum { get; init; } = QuorumRule.Route53;

    /// <summary>
    /// How long etcd may be out of reach before this instance serves its own verdicts instead of the
    /// last agreed state; null (the default): never, since one location's view is what cluster mode
    /// exists to overrule.
    /// </summary>
    public TimeSpan? OwnVerdictsAfter { get; init; }

    /// <summary>Never the password: records print every property, and this one may reach a log.</summary>
    public override string ToString() => $"cluster location {Location} on etcd {string.Join(", ", Endpoints)}";
}
