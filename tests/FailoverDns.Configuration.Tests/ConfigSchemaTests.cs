using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace FailoverDns.Configuration.Tests;

/// <summary>
/// config/failoverdns.schema.json against the loader: every shipped example is valid under it, and
/// at every level it names exactly the keys the loader accepts, so editor completion and the
/// README's reference (generated from the schema) cannot drift from what the server reads.
/// </summary>
public sealed partial class ConfigSchemaTests
{
    private static readonly string SchemaPath = Path.Combine(AppContext.BaseDirectory, "config", "failoverdns.schema.json");
    private static readonly JsonSchema Schema = JsonSchema.FromText(File.ReadAllText(SchemaPath));
    private static readonly JsonNode SchemaJson = JsonNode.Parse(File.ReadAllText(SchemaPath))!;

    public static TheoryData<string> ExampleFiles() => ConfigExamplesTests.ExampleFiles();

    [Theory]
    [MemberData(nameof(ExampleFiles))]
    public void Schema_ShippedExample_IsValid(string relativePath)
    {
        var json = YamlJson.Convert(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, relativePath)));

        var result = Schema.Evaluate(JsonSerializer.SerializeToElement(json), new EvaluationOptions { OutputFormat = OutputFormat.List });

        result.IsValid.Should().BeTrue(string.Join("\n", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
    }

    /// <summary>One fault at a time in a config the schema accepts, so each rule is shown to do its part.</summary>
    [Theory]
    [InlineData("records", "recrods", "a misspelled key")]
    [InlineData("port: 5300", "port: 70000", "an out-of-range port")]
    [InlineData("port: 5300 }]", "port: 5300 }]\nhealth: { flapDamping: on }", "flap damping neither off nor a mapping")]
    [InlineData("port: 5300 }]", "port: 5300 }]\nhealth: { flapDamping: { maxChanges: 0 } }", "a flap damping limit below 1")]
    public void Schema_InvalidConfig_IsRejected(string valid, string invalid, string fault)
    {
        const string Config = "zones: [{ name: example.test, records: [] }]\nlisten: [{ address: 127.0.0.1, port: 5300 }]";
        bool IsValid(string yaml) => Schema.Evaluate(JsonSerializer.SerializeToElement(YamlJson.Convert(yaml))).IsValid;

        IsValid(Config).Should().BeTrue("the unbroken config is valid");
        IsValid(Config.Replace(valid, invalid, StringComparison.Ordinal)).Should().BeFalse($"the schema must catch {fault}");
    }

    [Theory]
    [InlineData("flapDamping: off")]
    [InlineData("flapDamping: { maxChanges: 6, window: 2m, holdFor: 90s }")]
    public void Schema_FlapDampingAsTheLoaderTakesIt_IsValid(string entry)
    {
        var yaml = $"health: {{ {entry} }}\n" + LoadErrors.Zone;

        ConfigLoader.LoadText(yaml, "test.yaml").Errors.Should().BeEmpty();
        Schema.Evaluate(JsonSerializer.SerializeToElement(YamlJson.Convert(yaml))).IsValid.Should().BeTrue();
    }

    [Theory]
    [InlineData("{ location: fra1, etcd: { endpoints: ['http://127.0.0.1:2379'] } }")]
    [InlineData("{ location: fra1, label: Frankfurt, quorum: majority, minLocations: 2, leaseTtl: 5s, ownVerdictsAfter: 10m, etcd: { endpoints: ['https://10.0.0.5:2379', 'https://10.0.0.6:2379'], prefix: /failoverdns/prod/, timeout: 1s, username: fdns, password: secret, tls: { caFile: ca.pem, certFile: c.pem, keyFile: k.pem } } }")]
    [InlineData("{ location: fra1, quorum: 2, ownVerdictsAfter: never, etcd: { endpoints: ['http://127.0.0.1:2379'] } }")]
    public void Schema_ClusterAsTheLoaderTakesIt_IsValid(string cluster)
    {
        var yaml = $"cluster: {cluster}\n" + LoadErrors.Zone;

        ConfigLoader.LoadText(yaml, "test.yaml").Errors.Should().BeEmpty();
        Schema.Evaluate(JsonSerializer.SerializeToElement(YamlJson.Convert(yaml))).IsValid.Should().BeTrue();
    }

    public static TheoryData<string, string, string> Levels => new()
    {
        // where in the schema, YAML with an unknown key 'zzz' at that level, and the keys the loader adds there
        { "/properties", "zzz: 1\n" + LoadErrors.Zone, "" },
        { "/properties/listen/items/oneOf/1/properties", "listen: [{ address: 127.0.0.1, zzz: 1 }]\n" + LoadErrors.Zone, "" },
        { "/properties/server/properties", "server: { zzz: 1 }\n" + LoadErrors.Zone, "" },
        { "/properties/logging/properties", "logging: { zzz: 1 }\n" + LoadErrors.Zone, "" },
        { "/properties/admin/properties", "admin: { zzz: 1 }\n" + LoadErrors.Zone, "" },
        { "/properties/alerts/properties", "alerts: { zzz: 1 }\n" + LoadErrors.Zone, "" },
        { "/$defs/webhook/properties", "alerts: { webhooks: [{ url: 'http://a.example/', zzz: 1 }] }\n" + LoadErrors.Zone, "" },
        { "/properties/health/properties", "health: { zzz: 1 }\n" + LoadErrors.Zone, "" },
        { "/properties/health/properties/flapDamping/oneOf/1/properties", "health: { flapDamping: { zzz: 1 } }\n" + LoadErrors.Zone, "" },
        { "/properties/cluster/properties", "cluster: { zzz: 1 }\n" + LoadErrors.Zone, "" },
        { "/properties/cluster/properties/etcd/properties", "cluster: { location: a, etcd: { endpoints: ['http://127.0.0.1:2379'], zzz: 1 } }\n" + LoadErrors.Zone, "" },
        { "/properties/cluster/properties/etcd/properties/tls/properties", "cluster: { location: a, etcd: { endpoints: ['https://127.0.0.1:2379'], tls: { zzz: 1 } } }\n" + LoadErrors.Zone, "" },
        // An HTTP check and a calculated one know different keys; the schema lists both.
        { "/$defs/healthCheck/properties", LoadErrors.WithHealthChecks("  - { name: a, type: http, target: 192.0.2.1, zzz: 1 }"), "checks,require" },
        { "/$defs/healthCheck/properties", LoadErrors.WithHealthChecks("  - { name: a, type: calculated, checks: [a], zzz: 1 }"), "target,port,path,host,method,headers,userAgent,sni,serverName,validateCertificate,caFile,healthyStatus,match,sourceAddress,interval,connectTimeout,responseTimeout" },
        { "/$defs/zone/properties", "zones: [{ name: example.test, zzz: 1 }]", "" },
        { "/$defs/zone/properties/soa/properties", "zones: [{ name: example.test, soa: { zzz: 1 } }]", "" },
        { "/$defs/zone/properties/transfer/properties", "zones: [{ name: example.test, transfer: { allow: [192.0.2.53], zzz: 1 } }]", "" },
        { "/$defs/zone/properties/dnssec/oneOf/1/properties", "zones: [{ name: example.test, dnssec: { zzz: 1 } }]", "" },
        { "/$defs/record/properties", LoadErrors.Zone + "      - { name: www, type: A, value: 192.0.2.1, zzz: 1 }", "" },
        { "/$defs/failoverSet/properties", LoadErrors.FailoverZone + "      - { name: www, type: A, zzz: 1 }", "" },
        { "/$defs/tier/properties", LoadErrors.FailoverZone + "      - { name: www, type: A, primary: { value: 192.0.2.1, zzz: 1 } }", "" },
    };

    [Theory]
    [MemberData(nameof(Levels))]
    public void Schema_EveryLevel_NamesExactlyTheKeysTheLoaderReads(string pointer, string yaml, string alsoInSchema)
    {
        var error = ConfigLoader.LoadText(yaml, "test.yaml").Errors.Select(e => e.Message).Single(m => m.StartsWith("unknown key 'zzz'", StringComparison.Ordinal));
        var loaderKeys = ExpectedKeys().Match(error).Groups[1].Value.Split(", ");

        var schemaKeys = Navigate(pointer).AsObject().Select(p => p.Key);

        schemaKeys.Order(StringComparer.Ordinal).Should().Equal(
            loaderKeys.Concat(alsoInSchema.Split(',', StringSplitOptions.RemoveEmptyEntries)).Order(StringComparer.Ordinal),
            $"the schema at {pointer} must list what the loader accepts there");
    }

    private static JsonNode Navigate(string pointer) =>
        pointer.Split('/', StringSplitOptions.RemoveEmptyEntries).Aggregate(SchemaJson, (node, part) => int.TryParse(part, out var i) ? node[i]! : node[part]!);

    [GeneratedRegex(@"\(expected one of: ([^)]*)\)")]
    private static partial Regex ExpectedKeys();
}
