using FailoverDns.Protocol;
using FailoverDns.Zones;
using FailoverDns.Zones.Model;
using FailoverDns.Zones.Text;
using YamlDotNet.RepresentationModel;

namespace FailoverDns.Configuration.Yaml;

/// <summary>Reads the <c>zones</c> section: each zone's SOA, nameservers, records and zone file.</summary>
internal static class ZoneReader
{
    public const uint DefaultTtl = 3600;

    /// <summary>The zones in order; <paramref name="records"/> holds the record entries kept out of the tree, if any.</summary>
    public static List<ZoneDefinition> Read(YamlMap root, string path, FileReadOptions files, RecordEntrySource records, ErrorBudget budget, List<ConfigError> errors)
    {
        var zones = new List<ZoneDefinition>();
        if (root["zones"] is null)
        {
            errors.Add(new ConfigError(root.Location, "the config has no 'zones': nothing to serve"));
            return zones;
        }

        foreach (var (index, node) in root.Sequence("zones").Index())
        {
            if (node is not YamlMappingNode mapping)
            {
                root.Error(node, "each zone is a mapping with at least 'name'");
                continue;
            }

            var zone = ReadZone(root.Child(mapping), path, files, records.RecordsOf(index), budget, errors);
            if (zone is not null)
            {
                zones.Add(zone);
            }
        }

        return zones;
    }

    private static ZoneDefinition? ReadZone(YamlMap map, string path, FileReadOptions files, IEnumerable<YamlNode> hiddenRecords, ErrorBudget budget, List<ConfigError> errors)
    {
        var nameText = map.Scalar("name");
        var ttl = map.Ttl("ttl", DefaultTtl);
        var soa = map.Map("soa");
        var nameservers = map["nameservers"];
        var file = map.Scalar("file");
        var recordNodes = map.Sequence("records").Concat(hiddenRecords);
        var failoverNodes = map.Sequence("failover").ToList();
        var transfer = TransferReader.Read(map);
        var dnssec = DnssecReader.Read(map, path);
        map.RejectUnknownKeys();
        if (nameText is null)
        {
            errors.Add(new ConfigError(map.Location, "the zone has no 'name'"));
            return null;
        }

        var origin = DnsName.Parse(nameText.EndsWith('.') ? nameText : nameText + ".");
        if (origin is null)
        {
            map.Error(map["name"]!, $"zone name {Excerpt.Quote(nameText)} is not a valid domain name");
            return null;
        }

        DnsName.ToLowerInPlace(origin);
        var records = new List<ZoneRecord>();
        if (file is not null)
        {
            var filePath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", file);
            records.AddRange(ZoneFileParser.Parse(filePath, origin, ttl, errors, map.At(map["file"]!), files, file, budget));
        }

        if (soa is not null)
        {
            var soaRecord = ReadSoa(soa, origin, ttl, nameservers, errors);
            if (soaRecord is not null)
            {
                records.Add(soaRecord);
            }
        }

        if (nameservers is not null)
        {
            var list = nameservers is YamlSequenceNode seq ? seq.Children : [nameservers];
            foreach (var ns in list)
            {
                if (ns is YamlScalarNode { Value: { } nsText })
                {
                    AddParsed(map, ns, origin, origin, RecordType.NS, ttl, nsText, records, errors);
                }
                else
                {
                    map.Error(ns, "each nameserver is a host name");
                }
            }
        }

        foreach (var node in recordNodes)
        {
            if (node is YamlMappingNode recordMap)
            {
                ReadRecord(map.Child(recordMap), origin, ttl, records, errors);
            }
            else
            {
                map.Error(node, "each record is a mapping with name, type and value (or values)");
            }
        }

        var signing = dnssec is null ? null : DnssecReader.LoadKeys(dnssec, DnsName.ToText(origin), files, errors);
        return new ZoneDefinition(origin, records, map.Location) { Failover = FailoverReader.Read(map, failoverNodes, origin, errors), Transfer = transfer, Signing = signing };
    }

    private static ZoneRecord? ReadSoa(YamlMap soa, byte[] origin, uint zoneTtl, YamlNode? nameservers, List<ConfigError> errors)
    {
        var firstNameserver = nameservers switch
        {
            YamlSequenceNode { Children: [YamlScalarNode { Value: not null } first, ..] } => first,
            YamlScalarNode { Value: not null } only => only,
            _ => null,
        };
        var primary = soa.Scalar("primary");
        var primaryNode = primary is null ? firstNameserver : soa["primary"];
        primary ??= firstNameserver?.Value;
        var email = soa.Scalar("email") ?? "hostmaster";
        var serial = soa.Scalar("serial") ?? "1";
        var refresh = soa.Scalar("refresh") ?? "3600";
        var retry = soa.Scalar("retry") ?? "900";
        var expire = soa.Scalar("expire") ?? "1209600";
        var negativeTtl = soa.Scalar("negativeTtl") ?? "300";
        var ttl = soa.Ttl("ttl", zoneTtl);
        soa.RejectUnknownKeys();
        if (primary is null)
        {
            errors.Add(new ConfigError(soa.Location, "the SOA needs 'primary' (the primary name server) or the zone needs 'nameservers'"));
            return null;
        }

        // Each field is lexed where it is written, so an error points at that field, not at 'soa:'.
        var tokens = new List<ZoneToken>();
        tokens.AddRange(Lex(soa, primaryNode, primary, errors));
        tokens.AddRange(Lex(soa, soa["email"], EmailToName(email), errors));
        foreach (var (key, text) in new[] { ("serial", serial), ("refresh", refresh), ("retry", retry), ("expire", expire), ("negativeTtl", negativeTtl) })
        {
            tokens.AddRange(Lex(soa, soa[key], text, errors));
        }

        if (!RDataParser.TryParse(RecordType.SOA, tokens, origin, out var data, out var error))
        {
            errors.Add(error!.Location == default ? error with { Location = soa.Location } : error);
            return null;
        }

        return new ZoneRecord(origin, RecordType.SOA, ttl, data, soa.Location);
    }

    /// <summary><c>hostmaster@example.com</c> becomes <c>hostmaster.example.com.</c> (RFC 1035 §8), dots in the local part escaped.</summary>
    private static string EmailToName(string email)
    {
        var at = email.IndexOf('@', StringComparison.Ordinal);
        return at < 0 ? email : email[..at].Replace(".", "\\.", StringComparison.Ordinal) + "." + email[(at + 1)..].TrimEnd('.') + ".";
    }

    private static void ReadRecord(YamlMap map, byte[] origin, uint zoneTtl, List<ZoneRecord> records, List<ConfigError> errors)
    {
        var name = map.Scalar("name");
        var typeText = map.Scalar("type");
        var ttl = map.Ttl("ttl", zoneTtl);
        if (name is null || typeText is null)
        {
            map.RejectUnknownKeys("value", "values");
            errors.Add(new ConfigError(map.Location, "a record needs 'name' and 'type'"));
            return;
        }

        if (!RecordTypeNames.TryParse(typeText, out var type))
        {
            map.RejectUnknownKeys("value", "values");
            map.Error(map["type"]!, ZoneFileParser.UnknownTypeMessage(typeText));
            return;
        }

        var owner = ParseOwner(map, name, origin, errors);
        var parsed = ReadValues(map, "a record", owner ?? origin, origin, type, ttl, errors);
        map.RejectUnknownKeys();
        if (owner is not null && parsed is not null)
        {
            records.AddRange(parsed);
        }
    }

    /// <summary>The <c>value</c> or <c>values</c> of a mapping as records; null when they are missing or invalid.</summary>
    internal static List<ZoneRecord>? ReadValues(YamlMap map, string what, byte[] owner, byte[] origin, RecordType type, uint ttl, List<ConfigError> errors)
    {
        var value = map["value"];
        var values = map["values"];
        if ((value is null) == (values is null))
        {
            errors.Add(new ConfigError(map.Location, $"{what} needs exactly one of 'value' or 'values'"));
            return null;
        }

        var errorCount = errors.Count;
        var records = new List<ZoneRecord>();
        var items = value is not null ? [value] : values is YamlSequenceNode list ? list.Children : (IList<YamlNode>)[values!];
        foreach (var item in items)
        {
            if (item is YamlScalarNode { Value: { } text })
            {
                AddParsed(map, item, owner, origin, type, ttl, text, records, errors);
            }
            else
            {
                map.Error(item, "a record value is one line of text in zone-file form, e.g. \"10 mail.example.com.\"");
            }
        }

        if (records.Count == 0 && errors.Count == errorCount)
        {
            errors.Add(new ConfigError(map.Location, "'values' is empty"));
        }

        return errors.Count == errorCount ? records : null;
    }

    internal static byte[]? ParseOwner(YamlMap map, string name, byte[] origin, List<ConfigError> errors)
    {
        if (name is "@" or "")
        {
            return origin;
        }

        Span<byte> buffer = stackalloc byte[DnsName.MaxLength];
        if (!DnsName.TryParse(name, origin, buffer, out var written, out var error))
        {
            errors.Add(new ConfigError(map.At(map["name"]!), $"{Excerpt.Quote(name)} is not a valid domain name: {RDataParser.Describe(error)}"));
            return null;
        }

        return buffer[..written].ToArray();
    }

    /// <summary>Parses one value in zone-file form; columns in errors point into the YAML scalar.</summary>
    private static void AddParsed(YamlMap map, YamlNode? node, byte[] owner, byte[] origin, RecordType type, uint ttl, string text, List<ZoneRecord> records, List<ConfigError> errors)
    {
        var location = node is null ? map.Location : map.At(node);
        var tokens = Lex(map, node, text, errors);
        if (tokens.Length == 0)
        {
            errors.Add(new ConfigError(location, $"the {RecordTypeNames.ToName(type)} value is empty"));
            return;
        }

        if (!RDataParser.TryParse(type, tokens, origin, out var data, out var error))
        {
            errors.Add(error!.Location == default ? error with { Location = location } : error);
            return;
        }

        records.Add(new ZoneRecord(owner, type, ttl, data, location));
    }

    /// <summary>Splits a value in zone-file form into words located in the YAML scalar it came from.</summary>
    private static ZoneToken[] Lex(YamlMap map, YamlNode? node, string text, List<ConfigError> errors)
    {
        var location = node is null ? map.Location : map.At(node);
        // A quoted YAML scalar starts one column before its text.
        var column = node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.DoubleQuoted or YamlDotNet.Core.ScalarStyle.SingleQuoted } ? location.Column + 1 : location.Column;
        return ZoneLexer.Split(text, location.File, location.Line, column, errors).SelectMany(l => l.Tokens).ToArray();
    }
}
