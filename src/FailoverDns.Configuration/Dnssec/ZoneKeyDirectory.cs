using FailoverDns.Zones.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FailoverDns.Configuration.Dnssec;

/// <summary>
/// Where the <c>dnssec</c> commands find a zone's keys when not told: the zone's <c>dnssec: keyDirectory</c> in the
/// config file, else <c>keys</c> beside it. Read from the YAML alone, not by loading the config: before <c>keygen</c>
/// a zone with <c>dnssec: on</c> has no keys, and loading would fail on exactly that.
/// </summary>
public static class ZoneKeyDirectory
{
    public static string Of(string configPath, string zone)
    {
        var configDirectory = ConfigLoader.DirectoryOf(configPath);
        var fallback = Path.Combine(configDirectory, Yaml.DnssecReader.DefaultKeyDirectory);
        if (!BoundedFileReader.TryReadText(configPath, FileReadOptions.Default, out var text, out _))
        {
            return fallback;
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException)
        {
            return fallback;
        }

        var wanted = KeyFiles.NormaliseZone(zone);
        var zones = stream.Documents.FirstOrDefault()?.RootNode is YamlMappingNode root && root.Children.TryGetValue("zones", out var node) && node is YamlSequenceNode list ? list.Children : [];
        foreach (var entry in zones.OfType<YamlMappingNode>())
        {
            if (entry.Children.TryGetValue("name", out var name) && name is YamlScalarNode { Value: { } zoneName } && KeyFiles.NormaliseZone(zoneName) == wanted
                && entry.Children.TryGetValue("dnssec", out var dnssec) && dnssec is YamlMappingNode settings
                && settings.Children.TryGetValue("keyDirectory", out var directory) && directory is YamlScalarNode { Value: { Length: > 0 } path })
            {
                return Path.Combine(configDirectory, path);
            }
        }

        return fallback;
    }
}
