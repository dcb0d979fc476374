using FailoverDns.Protocol;
using FailoverDns.Zones.Failover;
using FailoverDns.Zones.Text;
using YamlDotNet.RepresentationModel;

namespace FailoverDns.Configuration.Yaml;

/// <summary>
/// Reads a zone's <c>failover</c> list. Each set has <c>primary</c> and <c>secondary</c>, the
/// short form, or <c>tiers</c>, an ordered list of any length.
/// </summary>
internal static class FailoverReader
{
    /// <summary>Failover answers should be cached briefly, so a switch reaches clients quickly.</summary>
    public const uint DefaultTtl = 60;

    public static List<FailoverSetDefinition> Read(YamlMap zone, IEnumerable<YamlNode> nodes, byte[] origin, List<ConfigError> errors)
    {
        var sets = new List<FailoverSetDefinition>();
        foreach (var node in nodes)
        {
            if (node is not YamlMappingNode mapping)
            {
                zone.Error(node, "each failover set is a mapping with name, type and primary/secondary (or tiers)");
                continue;
            }

            if (ReadSet(zone.Child(mapping), origin, errors) is { } set)
            {
                sets.Add(set);
            }
        }

        return sets;
    }

    private static FailoverSetDefinition? ReadSet(YamlMap map, byte[] origin, List<ConfigError> errors)
    {
        var name = map.Scalar("name");
        var typeText = map.Scalar("type");
        var ttl = map.Ttl("ttl", DefaultTtl);
        var unsettledTtl = map.Ttl("unsettledTtl", Math.Min(FailoverSetDefinition.DefaultUnsettledTtl, ttl));
        var primary = map.Map("primary");
        var secondary = map.Map("secondary");
        var tierNodes = map["tiers"] is null ? null : map.Sequence("tiers").ToList();
        var policyText = map.Scalar("whenAllUnhealthy") ?? "primary";
        map.RejectUnknownKeys();
        if (name is null || typeText is null)
        {
            errors.Add(new ConfigError(map.Location, "a failover set needs 'name' and 'type'"));
            return null;
        }

        if (!RecordTypeNames.TryParse(typeText, out var type))
        {
            map.Error("type", ZoneFileParser.UnknownTypeMessage(typeText));
            return null;
        }

        var knownPolicy = AllUnhealthyPolicyNames.TryParse(policyText, out var policy);
        if (!knownPolicy)
        {
            map.Error("whenAllUnhealthy", $"whenAllUnhealthy must be primary, last, nodata or servfail, not {Excerpt.Quote(policyText)}");
        }

        var tierMaps = new List<YamlMap>();
        if (tierNodes is not null)
        {
            if (primary is not null || secondary is not null)
            {
                map.Error("tiers", "write either primary/secondary or tiers, not both");
            }

            foreach (var node in tierNodes)
            {
                if (node is YamlMappingNode tier)
                {
                    tierMaps.Add(map.Child(tier));
                }
                else
                {
                    map.Error(node, "each tier is a mapping with value (or values) and healthCheck");
                }
            }
        }
        else
        {
            if (primary is null)
            {
                errors.Add(new ConfigError(map.Location, "a failover set needs 'primary' (and usually 'secondary'), or 'tiers'"));
                return null;
            }

            tierMaps.Add(primary);
            if (secondary is not null)
            {
                tierMaps.Add(secondary);
            }
        }

        if (tierMaps.Count < 2)
        {
            errors.Add(new ConfigError(map.Location, "a failover set needs at least two tiers (primary and secondary) to fail over between"));
        }

        if (unsettledTtl > ttl)
        {
            // A higher TTL while the answer may change would slow clients down, the opposite of its purpose.
            map.Error("unsettledTtl", FormattableString.Invariant($"unsettledTtl ({unsettledTtl}) must not exceed the set's ttl ({ttl}); set it equal to the ttl to keep the TTL fixed"));
        }

        var owner = ZoneReader.ParseOwner(map, name, origin, errors);
        var tiers = tierMaps.Select(t => ReadTier(t, type, origin, errors)).ToList();
        if (owner is null || !knownPolicy || tiers.Any(t => t is null) || tierMaps.Count < 2 || unsettledTtl > ttl)
        {
            return null;
        }

        return new FailoverSetDefinition(owner, type, ttl, tiers!, policy, map.Location) { UnsettledTtl = unsettledTtl };
    }

    private static FailoverTierDefinition? ReadTier(YamlMap map, RecordType type, byte[] origin, List<ConfigError> errors)
    {
        var check = map.Scalar("healthCheck");
        var records = ZoneReader.ReadValues(map, "a tier", origin, origin, type, 0, errors);
        map.RejectUnknownKeys();
        return records is null ? null : new FailoverTierDefinition([.. records.Select(r => r.Data)], check, map.Location)
        {
            HealthCheckLocation = check is null ? null : map.At(map["healthCheck"]!),
        };
    }
}
