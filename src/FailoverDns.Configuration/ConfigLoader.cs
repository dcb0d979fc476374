using System.Net;
using FailoverDns.Configuration.Yaml;
using FailoverDns.Zones;
using FailoverDns.Zones.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FailoverDns.Configuration;

/// <summary>
/// Reads the YAML configuration, validates all of it, and builds the zone snapshot. Problems are
/// collected (not thrown) so that one run reports every error with its file, line and column.
/// </summary>
public static class ConfigLoader
{
    public const int DefaultPort = 53;

    /// <summary>Errors reported one by one at most; the rest are counted (<see cref="ConfigLoadResult.OmittedErrors"/>).</summary>
    public const int MaxReportedErrors = 100;

    /// <summary>
    /// Loads the config file at <paramref name="path"/>. The file itself is read within the default
    /// <see cref="FileReadOptions"/> (its own <c>files:</c> cannot apply before it is read); the zone
    /// files it names within its <c>files:</c> settings.
    /// </summary>
    /// <param name="path">The YAML file.</param>
    /// <param name="environment">Where <c>secretEnv</c> names are looked up; the process environment by default.</param>
    public static ConfigLoadResult Load(string path, Func<string, string?>? environment = null)
    {
        if (!BoundedFileReader.TryReadBytes(path, FileReadOptions.Default, out var bytes, out var problem) || (problem = BoundedFileReader.NotText(bytes)) is not null)
        {
            return Failed(new ConfigError(new SourceLocation(path, 1, 1), $"cannot read the config file: {problem}"));
        }

        // Parsed from the bytes as they stream through a reader: a large file is not also held as a
        // string twice its size. (The reader drops a BOM.)
        return Load(() => new StreamReader(new MemoryStream(bytes, writable: false), System.Text.Encoding.UTF8), path, environment);
    }

    /// <summary>Loads <paramref name="text"/> as if read from <paramref name="path"/> (errors name it; zone files are relative to it).</summary>
    /// <param name="text">The YAML.</param>
    /// <param name="path">The file it stands for.</param>
    /// <param name="environment">Where <c>secretEnv</c> names are looked up; the process environment by default.</param>
    public static ConfigLoadResult LoadText(string text, string path, Func<string, string?>? environment = null)
    {
        return Load(() => new StringReader(text), path, environment);
    }

    // 'open' is called again to read the record entries, and to place a YAML syntax error that comes without a position.
    private static ConfigLoadResult Load(Func<TextReader> open, string path, Func<string, string?>? environment)
    {
        var errors = new List<ConfigError>();
        // Record entries are read apart from the tree, unless an alias might refer into one.
        var (stream, hidden, failure) = Parse(open, path, hideRecords: true);
        if (hidden is { SawAlias: true })
        {
            (stream, hidden, failure) = Parse(open, path, hideRecords: false);
        }

        if (failure is not null)
        {
            return Failed(failure);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode rootNode)
        {
            return Failed(new ConfigError(new SourceLocation(path, 1, 1), "the config must be a YAML mapping with at least 'zones'"));
        }

        var root = new YamlMap(rootNode, path, errors);
        var listen = ReadListen(root);
        var server = ReadServer(root);
        var logging = ReadLogging(root);
        var admin = AdminReader.Read(root, path);
        var alerts = AlertReader.Read(root, environment ?? Environment.GetEnvironmentVariable);
        var files = ReadFiles(root, path);
        var health = HealthReader.Read(root);
        var cluster = ClusterReader.Read(root, path, environment ?? Environment.GetEnvironmentVariable);
        var tsigKeys = TsigKeyReader.Read(root, path, environment ?? Environment.GetEnvironmentVariable);
        var declaredChecks = new HashSet<string>(StringComparer.Ordinal);
        var healthChecks = HealthCheckReader.Read(root, path, files, declaredChecks, errors);
        var budget = new ErrorBudget(MaxReportedErrors);
        List<ZoneDefinition> zones;
        using (var records = hidden is null ? RecordEntrySource.None : RecordEntrySource.From(ZoneRecordEntries.ReadRecords(open)))
        {
            zones = ZoneReader.Read(root, path, files, records, budget, errors);
        }


        CheckFailoverReferences(zones, declaredChecks, errors);
        CheckTransferKeys(zones, tsigKeys, errors);
        root.RejectUnknownKeys();

        var config = new FailoverDnsConfig(path, listen, server, logging, zones) { HealthChecks = [.. healthChecks.Select(c => c.Check)], Health = health, Cluster = cluster, TsigKeys = tsigKeys, Admin = admin, Alerts = alerts, Files = files };
        var snapshot = errors.Count == 0 ? ZoneSnapshotBuilder.Build(zones, errors) : null;
        // Reported in the order they appear in the files, whichever check found them.
        // A file of a million bad lines must not become a million log lines and a huge API response.
        var ordered = errors.OrderBy(e => e.Location.File, StringComparer.Ordinal).ThenBy(e => e.Location.Line).ThenBy(e => e.Location.Column).Take(MaxReportedErrors).ToList();
        return new ConfigLoadResult(errors.Count == 0 ? config : null, errors.Count == 0 ? snapshot : null, ordered) { OmittedErrors = errors.Count - ordered.Count + budget.Omitted };
    }

    /// <summary>Every key a zone's transfer names is defined under tsigKeys.</summary>
    private static void CheckTransferKeys(List<ZoneDefinition> zones, List<Protocol.Tsig.TsigKey> keys, List<ConfigError> errors)
    {
        var known = keys.Select(k => Protocol.DnsName.ToText(k.Name)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var zone in zones)
        {
            foreach (var name in zone.Transfer?.Keys.Where(k => !known.Contains(k)) ?? [])
            {
                errors.Add(new ConfigError(zone.Location, $"zone {zone.Name} transfers with TSIG key {Excerpt.Quote(name)}, which is not defined under tsigKeys"));
            }
        }
    }

    /// <summary>The YAML as a tree, with the record entries left out when <paramref name="hideRecords"/>; or the syntax error.</summary>
    private static (YamlStream Stream, ZoneRecordEntries? Hidden, ConfigError? Failure) Parse(Func<TextReader> open, string path, bool hideRecords)
    {
        var stream = new YamlStream();
        using var reader = open();
        var parser = new Parser(reader);
        var hidden = hideRecords ? ZoneRecordEntries.HideRecords(parser) : null;
        try
        {
            stream.Load(hidden ?? (IParser)parser);
            return (stream, hidden, null);
        }
        catch (YamlException e)
        {
            var message = e.InnerException?.Message ?? e.Message;
            var (line, column, note) = SyntaxErrorPosition(e, parser, open);
            return (stream, hidden, new ConfigError(new SourceLocation(path, line, column), $"YAML syntax: {message}{note}"));
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet throws this, not a YamlException, for some unclosed flow collections ("a: [" then a
            // new key); the last event it parsed is where it gave up.
            var start = parser.Current?.Start ?? Mark.Empty;
            return (stream, hidden, new ConfigError(new SourceLocation(path, (int)start.Line, (int)start.Column), "YAML syntax: cannot parse from here (is a '[' or '{' left unclosed?)"));
        }
    }

    /// <summary>
    /// Where a YAML syntax error is, for the reader. A parser error ("did not find expected ...") starts
    /// at the offending token. A scanner error starts where the token being scanned began, which for a
    /// scalar running on is often the line before, and ends where the problem was found: the end is
    /// given then, with where the token began (unless the problem is the end of the file: an unclosed
    /// quote is reported where it opens). A tab used as indentation comes with no position at all:
    /// it is the first line from the last event parsed on whose indentation holds a tab.
    /// </summary>
    private static (int Line, int Column, string Note) SyntaxErrorPosition(YamlException e, Parser parser, Func<TextReader> open)
    {
        var (start, end) = (e.Start, e.End);
        if (start.Index == 0 && end.Index == 0 && e.Message.Contains("tab", StringComparison.Ordinal))
        {
            var from = parser.Current?.End.Line ?? 1;
            using var reader = open();
            var number = 0;
            while (reader.ReadLine() is { } line)
            {
                number++;
                var indentation = line.AsSpan(0, line.Length - line.AsSpan().TrimStart(" \t").Length);
                if (number >= from && indentation.Contains('\t'))
                {
                    return (number, indentation.IndexOf('\t') + 1, "");
                }
            }
        }

        // An unclosed quote is found at the end of the file: where it began says more.
        if (e is SyntaxErrorException && end.Line > start.Line && !e.Message.Contains("end of stream", StringComparison.Ordinal))
        {
            return ((int)end.Line, (int)end.Column, $" (the token began at line {start.Line}, column {start.Column})");
        }

        return ((int)start.Line, (int)start.Column, "");
    }

    private static ConfigLoadResult Failed(ConfigError error) => new(null, null, [error]);

    /// <summary>The directory of the config file: relative paths in it start there, and files stay in it.</summary>
    internal static string DirectoryOf(string configPath) => Path.GetDirectoryName(Path.GetFullPath(configPath)) ?? ".";

    /// <summary>The <c>files</c> section: limits on the zone files read, which stay in the config's directory unless allowed out.</summary>
    private static FileReadOptions ReadFiles(YamlMap root, string path)
    {
        var defaults = new FileReadOptions { ConfinedTo = DirectoryOf(path) };
        var map = root.Map("files");
        if (map is null)
        {
            return defaults;
        }

        var options = new FileReadOptions
        {
            MaxSize = map.Int("maxSize", (int)FileReadOptions.DefaultMaxSize, 1024, FileReadOptions.MaxMaxSize),
            Timeout = map.Duration("readTimeout", FileReadOptions.DefaultTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10)),
            ConfinedTo = map.Bool("allowOutsideConfigDirectory", false) ? null : defaults.ConfinedTo,
        };
        map.RejectUnknownKeys();
        return options;
    }

    /// <summary>
    /// Every tier but the last is guarded by a check that exists; the last may go unchecked. A check
    /// defined with errors exists here: its own errors are reported where it is defined.
    /// </summary>
    private static void CheckFailoverReferences(List<ZoneDefinition> zones, HashSet<string> names, List<ConfigError> errors)
    {
        foreach (var set in zones.SelectMany(z => z.Failover))
        {
            for (var i = 0; i < set.Tiers.Count; i++)
            {
                var tier = set.Tiers[i];
                var label = set.TierLabel(i) is var tierLabel && tierLabel.StartsWith("tier", StringComparison.Ordinal) ? tierLabel : "the " + tierLabel;
                if (tier.HealthCheck is null && i < set.Tiers.Count - 1)
                {
                    errors.Add(new ConfigError(tier.Location, $"{label} of {set} has no healthCheck, so it could never be failed away from"));
                }
                else if (tier.HealthCheck is { } name && !names.Contains(name))
                {
                    errors.Add(new ConfigError(tier.HealthCheckLocation ?? tier.Location, $"{label} of {set} names health check {Excerpt.Quote(name)}, which is not defined under healthChecks"));
                }
            }
        }
    }

    private static List<ListenEndpoint> ReadListen(YamlMap root)
    {
        var result = new List<ListenEndpoint>();
        foreach (var node in root.Sequence("listen"))
        {
            var location = root.At(node);
            switch (node)
            {
                case YamlScalarNode { Value: { } text }:
                    if (AddressText.TryParseEndpoint(text, DefaultPort, out var endpoint))
                    {
                        result.Add(new ListenEndpoint(endpoint.Address, endpoint.Port, true, true, location));
                    }
                    else
                    {
                        root.Error(node, $"{Excerpt.Quote(text)} is not an address and port (write 127.0.0.1:53 or [::1]:53)");
                    }

                    break;
                case YamlMappingNode mapping:
                    var map = root.Child(mapping);
                    var addressText = map.Scalar("address");
                    var port = map.Int("port", DefaultPort, 0, 65535);
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
                    if (addressText is null || !AddressText.TryParse(addressText, out var address))
                    {
                        map.Error(mapping, $"'address' must be an IPv4 or IPv6 address, not {Excerpt.Quote(addressText)}");
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
            UdpWorkers = map.Int("udpWorkers", defaults.UdpWorkers, 0, 256),
            UdpBatching = map.Bool("udpBatching", defaults.UdpBatching),
            TcpIdleTimeout = map.Duration("tcpIdleTimeout", defaults.TcpIdleTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)),
            TcpMaxConnections = map.Int("tcpMaxConnections", defaults.TcpMaxConnections, 1, 1_000_000),
            TcpMessageTimeout = map.Duration("tcpMessageTimeout", defaults.TcpMessageTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)),
            TcpSendTimeout = map.Duration("tcpSendTimeout", defaults.TcpSendTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)),
            TcpMaxConnectionsPerClient = map.Int("tcpMaxConnectionsPerClient", defaults.TcpMaxConnectionsPerClient, 1, 1_000_000),
            RateLimit = RateLimitReader.Read(map),
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
            map.Error(map["level"]!, $"level must be Verbose, Debug, Information, Warning, Error or Fatal, not {Excerpt.Quote(level)}");
        }

        var format = map.Scalar("format") ?? defaults.Format;
        if (format is not ("text" or "json"))
        {
            map.Error(map["format"]!, $"format must be text or json, not {Excerpt.Quote(format)}");
        }

        var options = new LoggingOptions { Level = level, Format = format, Queries = map.Bool("queries", defaults.Queries) };
        map.RejectUnknownKeys();
        return options;
    }

}
