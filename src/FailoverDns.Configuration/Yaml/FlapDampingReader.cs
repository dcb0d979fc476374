using FailoverDns.Health.Policy;
using FailoverDns.Zones.Text;
using YamlDotNet.RepresentationModel;

namespace FailoverDns.Configuration.Yaml;

/// <summary>Reads <c>health.flapDamping</c>: <c>off</c>, or a mapping of <c>maxChanges</c>, <c>window</c> and <c>holdFor</c>.</summary>
internal static class FlapDampingReader
{
    public const int MaxChanges = 100;

    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(1);

    public static FlapDampingOptions Read(YamlMap health)
    {
        var defaults = new FlapDampingOptions();
        switch (health["flapDamping"])
        {
            case null:
                return defaults;
            case YamlScalarNode { Value: "off" }:
                return FlapDampingOptions.Off;
            case YamlMappingNode node:
                var map = health.Child(node);
                var options = new FlapDampingOptions
                {
                    // At least 1: with 0 the first failover of all would be held as flapping.
                    MaxChanges = map.Int("maxChanges", defaults.MaxChanges, 1, MaxChanges),
                    Window = map.Duration("window", defaults.Window, TimeSpan.FromSeconds(1), MaxDuration),
                    HoldFor = map.Duration("holdFor", defaults.HoldFor, TimeSpan.FromSeconds(1), MaxDuration),
                };
                map.RejectUnknownKeys();
                return options;
            case var other:
                var text = other is YamlScalarNode scalar ? Excerpt.Quote(scalar.Value ?? "") : "a list";
                health.Error(other, $"flapDamping must be off or a mapping of maxChanges, window and holdFor, not {text}");
                return defaults;
        }
    }
}
