using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using FailoverDns.Server.Lifecycle;

namespace FailoverDns.Server.Admin;

/// <summary>Source-generated JSON for the admin API.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HealthCheckView))]
[JsonSerializable(typeof(IReadOnlyList<HealthCheckView>))]
[JsonSerializable(typeof(IReadOnlyList<RecordSetView>))]
[JsonSerializable(typeof(ExplainView))]
[JsonSerializable(typeof(OverrideRequest))]
[JsonSerializable(typeof(ReadinessView))]
[JsonSerializable(typeof(ReloadOutcome))]
[JsonSerializable(typeof(ErrorView))]
[JsonSerializable(typeof(ClusterView))]
[JsonSerializable(typeof(IReadOnlyList<Transfer.SecondaryView>))]
[JsonSerializable(typeof(HistoryView))]
[JsonSerializable(typeof(LatencyHistoryView))]
internal sealed partial class AdminJsonContext : JsonSerializerContext
{
    /// <summary>As <see cref="Default"/>, but quotes and angle brackets stay readable (the API is read by people and jq, not embedded in HTML).</summary>
    public static AdminJsonContext Api { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
