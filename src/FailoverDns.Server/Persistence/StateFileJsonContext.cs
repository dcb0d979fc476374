using System.Text.Json;
using System.Text.Json.Serialization;

namespace FailoverDns.Server.Persistence;

/// <summary>Source-generated JSON for the state file, in the same style as the admin API.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PersistedState))]
[JsonSerializable(typeof(List<PersistedOverride>))]
internal sealed partial class StateFileJsonContext : JsonSerializerContext;
