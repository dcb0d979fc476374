using System.Text.Json;
using System.Text.Json.Serialization;

namespace FailoverDns.Server.HealthOverrides;

/// <summary>Source-generated JSON for the override state file, in the same style as the admin API.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<PersistedOverride>))]
internal sealed partial class StateFileJsonContext : JsonSerializerContext;
