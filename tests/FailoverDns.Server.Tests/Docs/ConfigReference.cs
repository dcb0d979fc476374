using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace FailoverDns.Server.Tests.Docs;

/// <summary>
/// The README's configuration reference, rendered from config/failoverdns.schema.json: one table per
/// section, a row per key with its type, range, default and meaning. The schema is itself checked
/// against the loader (ConfigSchemaTests), so the reference says what the server reads.
/// </summary>
internal static class ConfigReference
{
    private static readonly (string Title, string Pointer)[] Sections =
    [
        ("Top level", "/properties"),
        ("`listen:` entries written as a mapping", "/properties/listen/items/oneOf/1/properties"),
        ("`server:`", "/properties/server/properties"),
        ("`server: rateLimit:`", "/properties/server/properties/rateLimit/properties"),
        ("`logging:`", "/properties/logging/properties"),
        ("`admin:`", "/properties/admin/properties"),
        ("`alerts: webhooks:` entries", "/$defs/webhook/properties"),
        ("`files:`", "/properties/files/properties"),
        ("`health:`", "/properties/health/properties"),
        ("`health: flapDamping:` written as a mapping", "/properties/health/properties/flapDamping/oneOf/1/properties"),
        ("`cluster:`", "/properties/cluster/properties"),
        ("`cluster: etcd:`", "/properties/cluster/properties/etcd/properties"),
        ("`cluster: etcd: tls:`", "/properties/cluster/properties/etcd/properties/tls/properties"),
        ("`healthChecks:` entries", "/$defs/healthCheck/properties"),
        ("`tsigKeys:` entries", "/$defs/tsigKey/properties"),
        ("`zones:` entries", "/$defs/zone/properties"),
        ("`zones: soa:`", "/$defs/zone/properties/soa/properties"),
        ("`zones: transfer:`", "/$defs/zone/properties/transfer/properties"),
        ("`zones: dnssec:` written as a mapping", "/$defs/zone/properties/dnssec/oneOf/1/properties"),
        ("`zones: records:` entries", "/$defs/record/properties"),
        ("`zones: failover:` entries", "/$defs/failoverSet/properties"),
        ("Failover tiers: `primary:`, `secondary:` and `tiers:` entries", "/$defs/tier/properties"),
    ];

    public static string Render(JsonNode schema)
    {
        var output = new StringBuilder();
        foreach (var (title, pointer) in Sections)
        {
            output.Append("\n**").Append(title).Append("**\n\n| key | value | default | meaning |\n|---|---|---|---|\n");
            foreach (var (key, property) in Navigate(schema, pointer).AsObject())
            {
                output.Append("| `").Append(key).Append("` | ").Append(Cell(Type(property!)))
                    .Append(" | ").Append(property!["default"] is { } value ? $"`{Cell(value.ToJsonString().Trim('"'))}`" : "")
                    .Append(" | ").Append(Cell(property["description"]?.GetValue<string>() ?? "")).Append(" |\n");
            }
        }

        return output.ToString();
    }

    private static string Type(JsonNode property)
    {
        if (property["$ref"]?.GetValue<string>() is { } reference)
        {
            return reference[(reference.LastIndexOf('/') + 1)..] switch
            {
                "duration" => "duration: `500ms`, `10s`, `5m`, `1h`",
                "ttl" => "TTL: seconds, or `30s` `5m` `1h` `1d` `1w`",
                "name" => "domain name",
                "tier" => "tier (below)",
                "record" => "record (below)",
                "zone" => "zone (below)",
                "healthCheck" => "health check (below)",
                "webhook" => "webhook (below)",
                "tsigKey" => "TSIG key (below)",
                "failoverSet" => "failover set (below)",
                "statusRange" => "status `200` or range `200-299`",
                var other => other,
            };
        }

        if (property["enum"] is JsonArray values)
        {
            return string.Join(" or ", values.Select(v => $"`{v!.ToJsonString().Trim('"')}`"));
        }

        if (property["oneOf"] is JsonArray choices && property["type"] is null)
        {
            return string.Join(", or ", choices.Select(c => Type(c!)));
        }

        if (property["properties"] is not null)
        {
            return "mapping (below)";
        }

        if (property["additionalProperties"] is JsonObject valueSchema)
        {
            return "mapping of names to " + Type(valueSchema);
        }

        if (property["examples"] is JsonArray examples && property["type"]?.GetValue<string>() == "string")
        {
            return $"`{examples[0]!.GetValue<string>()}`";
        }

        var type = property["type"] switch
        {
            JsonArray types => string.Join(" or ", types.Select(t => t!.GetValue<string>())),
            { } single => single.GetValue<string>(),
            null => "",
        };
        if (type == "array" && property["items"] is { } items)
        {
            return "list of " + Type(items);
        }

        var minimum = property["minimum"]?.GetValue<long>();
        var maximum = property["maximum"]?.GetValue<long>();
        return (minimum, maximum) switch
        {
            ({ } min, { } max) => string.Create(CultureInfo.InvariantCulture, $"{type}, {min}-{max}"),
            ({ } min, null) => string.Create(CultureInfo.InvariantCulture, $"{type}, at least {min}"),
            _ => property["minLength"]?.GetValue<int>() is { } length and > 1 ? string.Create(CultureInfo.InvariantCulture, $"{type}, at least {length} characters") : type,
        };
    }

    private static string Cell(string text) =>
        text.Replace("|", "\\|", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    private static JsonNode Navigate(JsonNode schema, string pointer) =>
        pointer.Split('/', StringSplitOptions.RemoveEmptyEntries).Aggregate(schema, (node, part) => int.TryParse(part, out var i) ? node[i]! : node[part]!);
}
