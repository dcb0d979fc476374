using System.Globalization;
using System.Net;
using FailoverDns.Protocol;
using FailoverDns.Zones.Model;
using FailoverDns.Zones.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FailoverDns.Zones.Config;

/// <summary>
/// Reads the YAML configuration, validates all of it, and builds the zone snapshot. Problems are
/// collected (not thrown) so that one run reports every error with its file, line and column.
/// </summary>
public static class ConfigLoader
{
    public const int DefaultPort = 53;
    public const uint DefaultTtl = 3600;

    public static ConfigLoadResult Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Failed(new ConfigError(new SourceLocation(path, 1, 1), $"cannot read the config file: {e.Message}"));
        }

        return LoadText(text, path);
    }

    public static ConfigLoadResult LoadText(string text, string path)
    {
        var errors = new List<ConfigError>();
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(text));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            var message = e.InnerException?.Message ?? e.Message;
            return Failed(new ConfigError(new SourceLocation(path, (int)e.Start.Line, (int)e.Start.Column), $"YAML syntax: {message}"));
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet throws this, not a YamlException, for some unclosed flow collections ("a: [" then a
            // new key); the last event it parsed is where it gave up.
            var start = parser.Current?.Start ?? Mark.Empty;
            return Failed(new ConfigError(new SourceLocation(path, (int)start.Line, (int)start.Column), "YAML syntax: cannot parse from here (is a '[' or '{' left unclosed?)"));
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode rootNode)
        {
            return Failed(new ConfigError(new SourceLocation(path, 1, 1), "the config must be a YAML mapping with at least 'zones'"));
        }

        var root = new YamlMap(rootNode, path, errors);
        var listen = ReadListen(root);
        var server = ReadServer(root);
        var logging = ReadLogging(root);
        var zones = ReadZones(root, path, errors);
        root.RejectUnknownKeys();

        var config = new FailoverDnsConfig(path, listen, server, logging, zones);
        var snapshot = errors.Count == 0 ? ZoneSnapshotBuilder.Build(zones, errors) : null;
        return new ConfigLoadResult(errors.Count == 0 ? config : null, errors.Count == 0 ? snapshot : null, errors);
    }

    private static ConfigLoadResult Failed(ConfigError error) => new(null, null, [error]);

    private static List<ListenEndpoint> ReadListen(YamlMap root)
    {
        var result = new List<ListenEndpoint>();
        foreach (var node in root.Sequence("listen"))
        {
            var location = root.At(node);
            switch (node)
            {
                case YamlScalarNode { Value: { } text }:
                    if (TryParseEndpoint(text, out var endpoint))
                    {
                        result.Add(new ListenEndpoint(endpoint.Address, endpoint.Port, true, true, location));
                    }
                    else
                    {
                        root.Error(node, $"'{text}' is not an address and port (write 127.0.0.1:53 or [::1]:53)");
                    }

                    break;
                case YamlMappingNode mapping:
                    var map = root.Child(mapping);
                    var addressText = map.Scalar("address");
                    var port = ReadInt(map, "port", DefaultPort, 0, 65535);
                    var udp = true;
                    var tcp = true;
                    if (map.Has("protocols"))
                    {
                        var protocols = map.Sequence("protocols").OfType<YamlScalarNode>().Select(p => p.Value?.ToLowerInvariant()).ToList();
                        udp = protocols.Contains("udp");
                        tcp = protocols.Contains("tcp");
                        if (!udp && !tcp || protocols.Any(p => p is not ("udp" or "tcp")))
                        {
                            map.Error(map["protocols"]!, "protocols must list udp, tcp or both");
                        }
                    }

                    map.RejectUnknownKeys();
                    if (addressText is null || !IPAddress.TryParse(addressText, out var address))
                    {
                        map.Error(mapping, $"'address' must be an IPv4 or IPv6 address, not '{addressText}'");
                        break;
                    }

                    result.Add(new ListenEndpoint(address, port, udp, tcp, location));
                    break;
                default:
                    root.Error(node, "each 'listen' entry is 'address:port' or a mapping with address, port and protocols");
                    break;
            }
        }

        if (result.Count == 0 && root["listen"] is null)
        {
            result.Add(new ListenEndpoint(IPAddress.Any, DefaultPort, true, true, root.Location));
            result.Add(new ListenEndpoint(IPAddress.IPv6Any, DefaultPort, true, true, root.Location));
        }

        return result;
    }

    /// <summary>Parses <c>192.0.2.1:53</c>, <c>[2001:db8::1]:53</c> or a bare address (port 53).</summary>
    public static bool TryParseEndpoint(string text, out IPEndPoint endpoint)
    {
        endpoint = null!;
        if (IPAddress.TryParse(text, out var bare) && !text.Contains("]:", StringComparison.Ordinal) && (bare.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 || !text.Contains(':', StringComparison.Ordinal)))
        {
            endpoint = new IPEndPoint(bare, DefaultPort);
            return true;
        }

        if (IPEndPoint.TryParse(text, out var parsed) && text.LastIndexOf(':') > text.LastIndexOf(']'))
        {
            endpoint = parsed;
            return true;
        }

        return false;
    }

    private static ServerOptions ReadServer(YamlMap root)
    {
        var defaults = new ServerOptions();
        var map = root.Map("server");
        if (map is null)
        {
            return defaults;
        }

        var options = new ServerOptions
        {
            UdpWorkers = ReadInt(map, "udpWorkers", defaults.UdpWorkers, 0, 256),
            UdpBatching = ReadBool(map, "udpBatching", defaults.UdpBatching),
            TcpIdleTimeout = ReadDuration(map, "tcpIdleTimeout", defaults.TcpIdleTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)),
            TcpMaxConnections = ReadInt(map, "tcpMaxConnections", defaults.TcpMaxConnections, 1, 1_000_000),
        };
        map.RejectUnknownKeys();
        return options;
    }

    private static LoggingOptions ReadLogging(YamlMap root)
    {
        var defaults = new LoggingOptions();
        var map = root.Map("logging");
        if (map is null)
        {
            return defaults;
        }

        var level = map.Scalar("level") ?? defaults.Level;
        if (level is not ("Verbose" or "Debug" or "Information" or "Warning" or "Error" or "Fatal"))
        {
            map.Error(map["level"]!, $"level must be Verbose, Debug, Information, Warning, Error or Fatal, not '{level}'");
        }

        var format = map.Scalar("format") ?? defaults.Format;
        if (format is not ("text" or "json"))
        {
            map.Error(map["format"]!, $"format must be text or json, not '{format}'");
        }

        var options = new LoggingOptions { Level = level, Format = format, Queries = ReadBool(map, "queries", defaults.Queries) };
        map.RejectUnknownKeys();
        return options;
    }

    private static List<ZoneDefinition> ReadZones(YamlMap root, string path, List<ConfigError> errors)
    {
        var zones = new List<ZoneDefinition>();
        if (root["zones"] is null)
        {
            errors.Add(new ConfigError(root.Location, "the config has no 'zones': nothing to serve"));
            return zones;
        }

        foreach (var node in root.Sequence("zones"))
        {
            if (node is not YamlMappingNode mapping)
            {
                root.Error(node, "each zone is a mapping with at least 'name'");
                continue;
            }

            var zone = ReadZone(root.Child(mapping), path, errors);
            if (zone is not null)
            {
                zones.Add(zone);
            }
        }

        return zones;
    }

    private static ZoneDefinition? ReadZone(YamlMap map, string path, List<ConfigError> errors)
    {
        var nameText = map.Scalar("name");
        var ttl = ReadTtl(map, "ttl", DefaultTtl);
        var soa = map.Map("soa");
        var nameservers = map["nameservers"];
        var file = map.Scalar("file");
        var recordNodes = map.Sequence("records").ToList();
        map.RejectUnknownKeys();
        if (nameText is null)
        {
            errors.Add(new ConfigError(map.Location, "the zone has no 'name'"));
            return null;
        }

        var origin = DnsName.Parse(nameText.EndsWith('.') ? nameText : nameText + ".");
        if (origin is null)
        {
            map.Error(map["name"]!, $"zone name '{nameText}' is not a valid domain name");
            return null;
        }

        DnsName.ToLowerInPlace(origin);
        var records = new List<ZoneRecord>();
        if (file is not null)
        {
            var filePath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", file);
            records.AddRange(ZoneFileParser.Parse(filePath, origin, ttl, errors, map.At(map["file"]!)));
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

        return new ZoneDefinition(origin, records, map.Location);
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
        var ttl = ReadTtl(soa, "ttl", zoneTtl);
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
        var ttl = ReadTtl(map, "ttl", zoneTtl);
        var value = map["value"];
        var values = map["values"];
        map.RejectUnknownKeys();
        if (name is null || typeText is null)
        {
            errors.Add(new ConfigError(map.Location, "a record needs 'name' and 'type'"));
            return;
        }

        if (!RecordTypeNames.TryParse(typeText, out var type))
        {
            map.Error(map["type"]!, ZoneFileParser.UnknownTypeMessage(typeText));
            return;
        }

        if ((value is null) == (values is null))
        {
            errors.Add(new ConfigError(map.Location, "a record needs exactly one of 'value' or 'values'"));
            return;
        }

        var owner = ParseOwner(map, name, origin, errors);
        if (owner is null)
        {
            return;
        }

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
    }

    private static byte[]? ParseOwner(YamlMap map, string name, byte[] origin, List<ConfigError> errors)
    {
        if (name is "@" or "")
        {
            return origin;
        }

        Span<byte> buffer = stackalloc byte[DnsName.MaxLength];
        if (!DnsName.TryParse(name, origin, buffer, out var written, out var error))
        {
            errors.Add(new ConfigError(map.At(map["name"]!), $"'{name}' is not a valid domain name: {RDataParser.Describe(error)}"));
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
            errors.Add(new ConfigError(location, $"the {RDataFormatter.TypeToText(type)} value is empty"));
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

    private static uint ReadTtl(YamlMap map, string key, uint fallback)
    {
        var text = map.Scalar(key);
        if (text is null)
        {
            return fallback;
        }

        if (!TtlParser.TryParse(text, out var ttl))
        {
            map.Error(map[key]!, $"'{key}' must be 0-{TtlParser.MaxTtl} seconds or a duration like 5m, not '{text}'");
            return fallback;
        }

        return ttl;
    }

    private static int ReadInt(YamlMap map, string key, int fallback, int min, int max)
    {
        var text = map.Scalar(key);
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            map.Error(map[key]!, $"'{key}' must be a whole number from {min} to {max}, not '{text}'");
            return fallback;
        }

        return value;
    }

    private static TimeSpan ReadDuration(YamlMap map, string key, TimeSpan fallback, TimeSpan min, TimeSpan max)
    {
        var text = map.Scalar(key);
        if (text is null)
        {
            return fallback;
        }

        if (!DurationParser.TryParse(text, out var value) || value < min || value > max)
        {
            map.Error(map[key]!, $"'{key}' must be a duration from {DurationParser.Format(min)} to {DurationParser.Format(max)} (like 500ms, 10s, 1m), not '{text}'");
            return fallback;
        }

        return value;
    }

    private static bool ReadBool(YamlMap map, string key, bool fallback)
    {
        var text = map.Scalar(key);
        if (text is null)
        {
            return fallback;
        }

        if (!bool.TryParse(text, out var value))
        {
            map.Error(map[key]!, $"'{key}' must be true or false, not '{text}'");
            return fallback;
        }

        return value;
    }
}
