using FailoverDns.Configuration.Dnssec;
using FailoverDns.Zones;
using FailoverDns.Zones.Text;
using YamlDotNet.RepresentationModel;

namespace FailoverDns.Configuration.Yaml;

/// <summary>
/// Reads a zone's <c>dnssec</c> entry: <c>on</c>/<c>off</c> (or true/false), or a mapping of keyDirectory,
/// signatureValidity and refreshBefore; then loads the zone's keys, so a missing or bad key fails the load
/// (and a reload) at the <c>dnssec</c> entry.
/// </summary>
internal static class DnssecReader
{
    public const string DefaultKeyDirectory = "keys";

    /// <summary>An hour: shorter signatures would be re-made all the time, and validators' clocks may be off by minutes.</summary>
    public static readonly TimeSpan MinValidity = TimeSpan.FromHours(1);

    /// <summary>A year: longer signatures would let a replayed answer live on long after the data changed.</summary>
    public static readonly TimeSpan MaxValidity = TimeSpan.FromDays(365);

    /// <summary>Ten minutes: signatures are refreshed at least this long before they expire.</summary>
    public static readonly TimeSpan MinRefreshBefore = TimeSpan.FromMinutes(10);

    /// <summary>The settings as written, before the keys are read (they need the zone's name).</summary>
    public sealed record Settings(string KeyDirectory, TimeSpan Validity, TimeSpan RefreshBefore, SourceLocation Location);

    /// <summary>The zone's DNSSEC settings; null when it has none or it is off (or the entry has errors, reported).</summary>
    public static Settings? Read(YamlMap zone, string configPath)
    {
        var node = zone["dnssec"];
        switch (node)
        {
            case null:
                return null;
            case YamlScalarNode { Value: var text }:
                switch (text?.ToLowerInvariant())
                {
                    case "on" or "true":
                        return new Settings(Path.Combine(ConfigLoader.DirectoryOf(configPath), DefaultKeyDirectory), ZoneSigningOptions.DefaultValidity, ZoneSigningOptions.DefaultRefreshBefore, zone.At(node));
                    case "off" or "false":
                        return null;
                    default:
                        zone.Error(node, $"'dnssec' must be on, off, or a mapping of keyDirectory, signatureValidity and refreshBefore, not {Excerpt.Quote(text)}");
                        return null;
                }

            case YamlMappingNode mapping:
                var map = zone.Child(mapping);
                var directory = map.Scalar("keyDirectory") ?? DefaultKeyDirectory;
                var validity = map.Duration("signatureValidity", ZoneSigningOptions.DefaultValidity, MinValidity, MaxValidity);
                var refreshBefore = map.Duration("refreshBefore", ZoneSigningOptions.DefaultRefreshBefore, MinRefreshBefore, MaxValidity);
                map.RejectUnknownKeys();
                if (refreshBefore >= validity)
                {
                    map.Error(map.Has("refreshBefore") ? "refreshBefore" : "signatureValidity", $"'refreshBefore' ({DurationParser.Format(refreshBefore)}) must be shorter than 'signatureValidity' ({DurationParser.Format(validity)}): signatures are made again when less than refreshBefore of them is left");
                    return null;
                }

                return new Settings(Path.Combine(ConfigLoader.DirectoryOf(configPath), directory), validity, refreshBefore, zone.At(node));
            default:
                zone.Error(node, "'dnssec' must be on, off, or a mapping of keyDirectory, signatureValidity and refreshBefore");
                return null;
        }
    }

    /// <summary>
    /// The zone's signing options with the keys in use now (<see cref="ZoneSigningOptions.Keys"/> holds the keys that sign);
    /// null with the error at the <c>dnssec</c> entry when they cannot be read.
    /// </summary>
    public static ZoneSigningOptions? LoadKeys(Settings settings, string zoneName, FileReadOptions files, List<ConfigError> errors)
    {
        if (!KeyFiles.TryReadZone(settings.KeyDirectory, zoneName, files, DateTimeOffset.UtcNow, out var keys, out var error))
        {
            errors.Add(new ConfigError(settings.Location, $"DNSSEC keys of {KeyFiles.NormaliseZone(zoneName)}: {error}"));
            return null;
        }

        return new ZoneSigningOptions(keys.Signing)
        {
            Published = keys.Published,
            Validity = settings.Validity,
            RefreshBefore = settings.RefreshBefore,
            KeyDirectory = Path.GetFullPath(settings.KeyDirectory),
        };
    }
}
