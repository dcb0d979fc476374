using System.Text.Json;
using System.Text.Json.Serialization;

namespace FailoverDns.Server.Admin;

/// <summary>Source-generated JSON for the admin API and the override state file.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HealthCheckView))]
[JsonSerializable(typeof(IReadOnlyList<HealthCheckView>))]
[JsonSerializable(typeof(IReadOnlyList<RecordSetView>))]
[JsonSerializable(typeof(ExplainView))]
[JsonSerializable(typeof(OverrideRequest))]
[JsonSerializable(typeof(ReadinessView))]
[JsonSerializable(typeof(ReloadView))]
[JsonSerializable(typeof(ErrorView))]
[JsonSerializable(typeof(List<PersistedOverride>))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
