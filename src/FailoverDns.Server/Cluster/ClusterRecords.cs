using System.Text.Json;
using System.Text.Json.Serialization;

namespace FailoverDns.Server.Cluster;

/// <summary>One location's verdict on one check, as it is stored in etcd (under the location's lease).</summary>
/// <param name="Status">healthy or unhealthy, after the location's own thresholds and flap damping.</param>
/// <param name="Reason">Why, in the words of the location's last probe result when the verdict changed.</param>
/// <param name="At">When the location's verdict became this.</param>
/// <param name="Judgement">The digest of the check's definition at that location: verdicts count only where the definitions agree.</param>
public sealed record LocationVerdict(string Status, string Reason, DateTimeOffset At, string Judgement);

/// <summary>A live location: it holds a lease, so it drops out by itself when it stops talking to etcd.</summary>
public sealed record LocationRecord(string? Label, DateTimeOffset Since);

/// <summary>A cluster-wide override, stored under a lease that ends at <see cref="Until"/> so that etcd removes it then.</summary>
public sealed record OverrideRecord(string State, DateTimeOffset? Until, string Reason, DateTimeOffset Since, string SetAt);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LocationVerdict))]
[JsonSerializable(typeof(LocationRecord))]
[JsonSerializable(typeof(OverrideRecord))]
internal sealed partial class ClusterJsonContext : JsonSerializerContext;
