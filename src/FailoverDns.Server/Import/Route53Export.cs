using System.Text.Json;
using System.Text.Json.Serialization;

namespace FailoverDns.Server.Import;

// The JSON the AWS CLI prints, only the fields the import reads (names matched case-insensitively,
// so IPAddress, TTL and DNSName need no attributes). Fields absent from a record set are null.

/// <summary>What <c>aws route53 list-resource-record-sets --hosted-zone-id ID</c> prints.</summary>
internal sealed record Route53RecordSets(List<Route53RecordSet>? ResourceRecordSets, bool IsTruncated);

internal sealed record Route53RecordSet
{
    public string Name { get; init; } = "";

    public string Type { get; init; } = "";

    public string? SetIdentifier { get; init; }

    /// <summary>PRIMARY or SECONDARY for a failover record.</summary>
    public string? Failover { get; init; }

    public long? Ttl { get; init; }

    public List<Route53Value>? ResourceRecords { get; init; }

    public Route53AliasTarget? AliasTarget { get; init; }

    public string? HealthCheckId { get; init; }

    // The other routing policies: only whether they are present matters.
    public long? Weight { get; init; }

    public string? Region { get; init; }

    public JsonElement? GeoLocation { get; init; }

    public JsonElement? GeoProximityLocation { get; init; }

    public JsonElement? CidrRoutingConfig { get; init; }

    public bool? MultiValueAnswer { get; init; }
}

internal sealed record Route53Value(string Value);

internal sealed record Route53AliasTarget(string HostedZoneId, string DnsName, bool EvaluateTargetHealth);

/// <summary>What <c>aws route53 list-health-checks</c> prints.</summary>
internal sealed record Route53HealthChecks(List<Route53HealthCheck>? HealthChecks, bool IsTruncated);

internal sealed record Route53HealthCheck(string Id, string? CallerReference, Route53HealthCheckConfig? HealthCheckConfig);

internal sealed record Route53HealthCheckConfig
{
    public string? IpAddress { get; init; }

    public int? Port { get; init; }

    public string Type { get; init; } = "";

    public string? ResourcePath { get; init; }

    public string? FullyQualifiedDomainName { get; init; }

    public string? SearchString { get; init; }

    public int? RequestInterval { get; init; }

    public int? FailureThreshold { get; init; }

    public bool? Inverted { get; init; }

    public bool? Disabled { get; init; }

    public int? HealthThreshold { get; init; }

    public List<string>? ChildHealthChecks { get; init; }

    public bool? EnableSni { get; init; }

    public List<string>? Regions { get; init; }
}

[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(Route53RecordSets))]
[JsonSerializable(typeof(Route53HealthChecks))]
internal sealed partial class Route53JsonContext : JsonSerializerContext;
