using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FailoverDns.Health.Checks;
using FailoverDns.Protocol;
using FailoverDns.Zones.Text;
using YamlDotNet.RepresentationModel;

namespace FailoverDns.Configuration.Yaml;

/// <summary>
/// Reads the <c>healthChecks</c> section. Defaults follow Route 53; timeouts default to Route 53's
/// but never more than half the interval, and a timeout set at or above the interval is an error.
/// </summary>
internal static class HealthCheckReader
{
    private static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxInterval = TimeSpan.FromHours(1);
    private static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);

    /// <summary>Keys that belong to one type or another: not "unknown" while the type itself is missing or wrong.</summary>
    private static readonly string[] TypeKeys =
    [
        "target", "port", "path", "host", "sni", "serverName", "validateCertificate", "healthyStatus", "match",
        "sourceAddress", "interval", "connectTimeout", "responseTimeout", "checks", "require", "caFile", "headers", "method", "userAgent",
    ];

    /// <summary>Headers about the connection, which the probe manages itself (a new connection per probe, closed after it).</summary>
    private static readonly HashSet<string> HopByHopHeaders = new(["Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade"], StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The valid checks. <paramref name="declared"/> receives every name defined, valid or not, so that
    /// a reference to a check with an error is not reported a second time as a reference to nothing.
    /// A <c>caFile</c> is read as zone files are: relative to <paramref name="configPath"/>'s directory, within <paramref name="files"/>.
    /// </summary>
    public static List<(HealthCheckDefinition Check, SourceLocation Location)> Read(YamlMap root, string configPath, FileReadOptions files, ISet<string> declared, List<ConfigError> errors)
    {
        var checks = new List<(HealthCheckDefinition, SourceLocation)>();
        var names = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        foreach (var node in root.Sequence("healthChecks"))
        {
            if (node is not YamlMappingNode mapping)
            {
                root.Error(node, "each health check is a mapping with at least name and type");
                continue;
            }

            var map = root.Child(mapping);
            var check = ReadCheck(map, configPath, files, errors);
            if (check is null)
            {
                if (map["name"] is YamlScalarNode { Value: { } name })
                {
                    declared.Add(name);
                }

                continue;
            }

            declared.Add(check.Name);
            if (!names.TryAdd(check.Name, map.Location))
            {
                map.Error(map["name"]!, $"health check {Excerpt.Quote(check.Name)} is defined twice (first at {names[check.Name]})");
                continue;
            }

            checks.Add((check, map.Location));
        }

        CheckCalculated(checks, declared, errors);
        return checks;
    }

    private static HealthCheckDefinition? ReadCheck(YamlMap map, string configPath, FileReadOptions files, List<ConfigError> errors)
    {
        var name = map.Scalar("name");
        var type = map.Scalar("type")?.ToLowerInvariant();
        var failureThreshold = map.Int("failureThreshold", HealthCheckDefinition.DefaultThreshold, 1, 10);
        var recoveryThreshold = map.Int("recoveryThreshold", failureThreshold, 1, 10);
        var invert = map.Bool("invert", false);
        var disabled = map.Bool("disabled", false);
        EndpointCheckOptions? endpoint = null;
        CalculatedCheck? calculated = null;
        switch (type)
        {
            case "http" or "https" or "tcp":
                endpoint = ReadEndpoint(map, type, configPath, files);
                break;
            case "calculated":
                calculated = ReadCalculated(map);
                break;
            case null:
                break;
            default:
                map.Error(map["type"]!, $"health check type must be http, https, tcp or calculated, not {Excerpt.Quote(type)}");
                break;
        }

        map.RejectUnknownKeys(type is "http" or "https" or "tcp" or "calculated" ? [] : TypeKeys);
        if (name is null || type is null)
        {
            errors.Add(new ConfigError(map.Location, "a health check needs 'name' and 'type'"));
            return null;
        }

        if (endpoint is null && calculated is null)
        {
            return null;
        }

        return new HealthCheckDefinition
        {
            Name = name,
            Endpoint = endpoint,
            Calculated = calculated,
            FailureThreshold = failureThreshold,
            RecoveryThreshold = recoveryThreshold,
            Invert = invert,
            Disabled = disabled,
        };
    }

    private static EndpointCheckOptions? ReadEndpoint(YamlMap map, string type, string configPath, FileReadOptions files)
    {
        var protocol = type switch
        {
            "https" => ProbeProtocol.Https,
            "tcp" => ProbeProtocol.Tcp,
            _ => ProbeProtocol.Http,
        };
        var target = map.Scalar("target");
        var defaultPort = protocol switch
        {
            ProbeProtocol.Https => 443,
            ProbeProtocol.Http => 80,
            _ => 0,
        };
        var port = map.Int("port", defaultPort, 1, 65535);
        var path = map.Scalar("path") ?? "/";
        var host = map.Scalar("host");
        var sni = map.Bool("sni", true);
        var serverName = map.Scalar("serverName");
        var validate = map.Bool("validateCertificate", false);
        var statuses = ReadStatuses(map);
        var match = map.Scalar("match");
        var method = map.Scalar("method") ?? "GET";
        var userAgent = map.Scalar("userAgent") ?? EndpointCheckOptions.DefaultUserAgent;
        var headers = ReadHeaders(map);
        var sourceText = map.Scalar("sourceAddress");
        var interval = map.Duration("interval", TimeSpan.FromSeconds(30), MinInterval, MaxInterval);
        var half = interval / 2;
        var connectDefault = Min(protocol == ProbeProtocol.Tcp ? TimeSpan.FromSeconds(10) : TimeSpan.FromSeconds(4), half);
        var connectTimeout = map.Duration("connectTimeout", connectDefault, MinTimeout, MaxInterval);
        var responseTimeout = map.Duration("responseTimeout", Min(TimeSpan.FromSeconds(2), half), MinTimeout, MaxInterval);

        var valid = true;
        if (target is null)
        {
            valid = Fail(map, null, $"a health check of type {type} needs 'target', an IP address or a host name");
        }
        else if (!IsHostOrAddress(target))
        {
            valid = Fail(map, "target", $"'target' must be an IP address or a host name, not {Excerpt.Quote(target)}");
        }

        System.Net.IPAddress? source = null;
        if (sourceText is not null && !System.Net.IPAddress.TryParse(sourceText, out source))
        {
            valid = Fail(map, "sourceAddress", $"'sourceAddress' must be an IP address of this host, not {Excerpt.Quote(sourceText)}");
        }
        else if (source is not null && target is not null && System.Net.IPAddress.TryParse(target.Trim('[', ']'), out var literal) && literal.AddressFamily != source.AddressFamily)
        {
            valid = Fail(map, "sourceAddress", $"'sourceAddress' {Excerpt.Quote(sourceText)} cannot reach target {Excerpt.Quote(target)}: one is IPv4, the other IPv6");
        }

        if (protocol == ProbeProtocol.Tcp && map["port"] is null)
        {
            valid = Fail(map, null, "a tcp health check needs 'port'");
        }

        if (host is not null && !IsHostHeader(host))
        {
            valid = Fail(map, "host", $"'host' must be a host name or address, optionally with :port (e.g. www.example.com or www.example.com:8080), not {Excerpt.Quote(host)}");
        }

        if (!path.StartsWith('/'))
        {
            valid = Fail(map, "path", $"'path' must start with '/', not {Excerpt.Quote(path)}");
        }

        if (method is not ("GET" or "HEAD"))
        {
            valid = Fail(map, "method", $"'method' must be GET or HEAD, not {Excerpt.Quote(method)}");
        }
        else if (method == "HEAD" && match is not null)
        {
            valid = Fail(map, "match", "'match' searches the body, which a HEAD request does not get: use method GET");
        }

        if (userAgent.Length == 0 || !IsPrintableAscii(userAgent))
        {
            valid = Fail(map, "userAgent", $"'userAgent' must be printable ASCII text, not {Excerpt.Quote(userAgent)}");
        }

        var trusted = ReadCaFile(map, protocol, configPath, files);
        if (trusted is { Count: > 0 } && map["validateCertificate"] is not null && !validate)
        {
            valid = Fail(map, "validateCertificate", "'caFile' is there to validate the certificate: drop 'validateCertificate: false' or the caFile");
        }

        if (connectTimeout >= interval)
        {
            valid = Fail(map, "connectTimeout", $"connectTimeout ({DurationParser.Format(connectTimeout)}) must be below the interval ({DurationParser.Format(interval)})");
        }

        if (responseTimeout >= interval)
        {
            valid = Fail(map, "responseTimeout", $"responseTimeout ({DurationParser.Format(responseTimeout)}) must be below the interval ({DurationParser.Format(interval)})");
        }

        if (protocol == ProbeProtocol.Tcp)
        {
            foreach (var key in new[] { "path", "host", "match", "healthyStatus", "sni", "serverName", "validateCertificate", "caFile", "headers", "method", "userAgent" })
            {
                if (map[key] is { } node)
                {
                    map.Error(node, $"{Excerpt.Quote(key)} has no meaning for a tcp health check");
                    valid = false;
                }
            }
        }

        if (!valid || statuses is null || headers is null || trusted is null)
        {
            return null;
        }

        return new EndpointCheckOptions
        {
            Protocol = protocol,
            Target = target!,
            Port = port,
            Path = path,
            HostHeader = host,
            Sni = sni,
            ServerName = serverName,
            ValidateCertificate = validate || trusted.Count > 0,
            TrustedCertificates = trusted,
            Method = method,
            UserAgent = userAgent,
            Headers = headers,
            HealthyStatuses = statuses,
            Match = match,
            SourceAddress = source,
            Interval = interval,
            ConnectTimeout = connectTimeout,
            ResponseTimeout = responseTimeout,
        };
    }

    private static CalculatedCheck? ReadCalculated(YamlMap map)
    {
        var children = map.Sequence("checks").OfType<YamlScalarNode>().Select(n => n.Value ?? "").ToList();
        var require = map.Scalar("require") ?? "all";
        if (children.Count == 0)
        {
            // A 'checks' that is not a list has been reported as such already.
            if (map["checks"] is null or YamlSequenceNode or YamlScalarNode { Value: null or "" })
            {
                Fail(map, "checks", "a calculated health check needs 'checks', the names of the checks it combines");
            }

            return null;
        }

        int required;
        if (require == "all")
        {
            required = children.Count;
        }
        else if (require == "any")
        {
            required = 1;
        }
        else if (!int.TryParse(require, NumberStyles.None, CultureInfo.InvariantCulture, out required) || required < 1 || required > children.Count)
        {
            Fail(map, "require", $"'require' must be all, any, or a number from 1 to {children.Count}, not {Excerpt.Quote(require)}");
            return null;
        }

        return new CalculatedCheck(children, required);
    }

    /// <summary>
    /// The <c>headers</c> mapping, or null after reporting a mistake. A value is never quoted in an
    /// error: headers carry secrets (Authorization, API keys).
    /// </summary>
    private static List<KeyValuePair<string, string>>? ReadHeaders(YamlMap map)
    {
        var node = map["headers"];
        if (node is null or YamlScalarNode { Value: null or "" })
        {
            return [];
        }

        if (node is not YamlMappingNode mapping)
        {
            map.Error(node, "'headers' must be a mapping of header names to values, like { Authorization: Bearer abc }");
            return null;
        }

        var headers = new List<KeyValuePair<string, string>>();
        var valid = true;
        using var trial = new HttpRequestMessage();
        foreach (var (key, value) in mapping.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            var problem = name switch
            {
                _ when name.Length == 0 || !name.All(IsTokenChar) => $"{Excerpt.Quote(name)} is not a header name (letters, digits and !#$%&'*+-.^_`|~)",
                _ when name.Equals("Host", StringComparison.OrdinalIgnoreCase) => "set the Host header with 'host', not under 'headers'",
                _ when name.Equals("User-Agent", StringComparison.OrdinalIgnoreCase) => "set the User-Agent with 'userAgent', not under 'headers'",
                _ when HopByHopHeaders.Contains(name) => $"{Excerpt.Quote(name)} is a hop-by-hop header: the probe manages its connection itself (a new one per probe)",
                _ when !trial.Headers.TryAddWithoutValidation(name, "") => $"{Excerpt.Quote(name)} describes a request body, and a probe sends none",
                _ when headers.Any(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)) => $"header {Excerpt.Quote(name)} is given twice (header names are case-insensitive)",
                _ => null,
            };
            if (problem is not null)
            {
                map.Error(key, problem);
                valid = false;
            }
            else if (value is not YamlScalarNode { Value: var text })
            {
                map.Error(value, $"header {Excerpt.Quote(name)} must have a single value");
                valid = false;
            }
            else if (!IsPrintableAscii(text ?? "", allowTab: true))
            {
                map.Error(value, $"the value of header {Excerpt.Quote(name)} must be printable ASCII, without line breaks or control characters (not shown: it may be a secret)");
                valid = false;
            }
            else
            {
                headers.Add(new(name, text ?? ""));
            }
        }

        return valid ? headers : null;
    }

    /// <summary>The <c>caFile</c>'s certificates (none when not given), or null after reporting why they cannot be used.</summary>
    private static List<X509Certificate2>? ReadCaFile(YamlMap map, ProbeProtocol protocol, string configPath, FileReadOptions files)
    {
        var file = map.Scalar("caFile");
        if (file is null || protocol == ProbeProtocol.Tcp)
        {
            return [];
        }

        if (protocol == ProbeProtocol.Http)
        {
            map.Error("caFile", "'caFile' has no meaning for an http health check: it has no TLS (use type https)");
            return null;
        }

        var path = Path.Combine(ConfigLoader.DirectoryOf(configPath), file);
        if (!BoundedFileReader.TryReadText(path, files, out var pem, out var problem))
        {
            map.Error("caFile", $"the CA file {Excerpt.Quote(file)} cannot be read: {problem}");
            return null;
        }

        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(pem);
        }
        catch (CryptographicException)
        {
            // The exception would say no more than this: one block is not a certificate.
            certificates.Clear();
        }

        if (certificates.Count == 0)
        {
            map.Error("caFile", $"the CA file {Excerpt.Quote(file)} holds no PEM certificate (-----BEGIN CERTIFICATE-----), or one that cannot be read");
            return null;
        }

        return [.. certificates];
    }

    /// <summary>RFC 9110 §5.6.2: the characters of a token, which a header name is.</summary>
    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);

    private static bool IsPrintableAscii(string text, bool allowTab = false) => text.All(c => c is >= ' ' and <= '~' || (allowTab && c == '\t'));

    /// <summary>Codes and ranges: <c>[200, "200-299", 301]</c>; default 200-399 (Route 53).</summary>
    private static List<StatusRange>? ReadStatuses(YamlMap map)
    {
        if (map["healthyStatus"] is null)
        {
            return [.. StatusRange.Default];
        }

        var ranges = new List<StatusRange>();
        var nodes = map.Sequence("healthyStatus").ToList();
        if (nodes.Count == 0)
        {
            // An empty list would make every response unhealthy, which is never what was meant. (Anything
            // else that is not a list has been reported as such already.)
            if (map["healthyStatus"] is YamlSequenceNode or YamlScalarNode { Value: null or "" })
            {
                map.Error(map["healthyStatus"]!, "'healthyStatus' lists no status; write codes like 200 or ranges like 200-299, or leave it out for 200-399");
            }

            return null;
        }

        foreach (var node in nodes)
        {
            var text = (node as YamlScalarNode)?.Value ?? "";
            var parts = text.Split('-');
            if (parts.Length is 1 or 2
                && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var from)
                && int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var to)
                && from is >= 100 and <= 599 && to >= from && to <= 599)
            {
                ranges.Add(new StatusRange(from, to));
            }
            else
            {
                map.Error(node, $"a healthy status is a code like 200 or a range like 200-299 (100-599), not {Excerpt.Quote(text)}");
                return null;
            }
        }

        return ranges;
    }

    /// <summary>Calculated checks name existing checks and do not contain themselves.</summary>
    private static void CheckCalculated(List<(HealthCheckDefinition Check, SourceLocation Location)> checks, ISet<string> declared, List<ConfigError> errors)
    {
        var byName = checks.ToDictionary(c => c.Check.Name, StringComparer.Ordinal);
        foreach (var (check, location) in checks.Where(c => c.Check.Calculated is not null))
        {
            foreach (var child in check.Calculated!.Children.Where(c => !declared.Contains(c)))
            {
                errors.Add(new ConfigError(location, $"calculated health check {Excerpt.Quote(check.Name)} names {Excerpt.Quote(child)}, which is not a health check"));
            }

            if (Reaches(check.Name, check.Name, byName, []))
            {
                errors.Add(new ConfigError(location, $"calculated health check {Excerpt.Quote(check.Name)} depends on itself"));
            }
        }
    }

    private static bool Reaches(string from, string target, Dictionary<string, (HealthCheckDefinition Check, SourceLocation Location)> byName, HashSet<string> visited)
    {
        if (!byName.TryGetValue(from, out var entry) || entry.Check.Calculated is null || !visited.Add(from))
        {
            return false;
        }

        return entry.Check.Calculated.Children.Any(child => child == target || Reaches(child, target, byName, visited));
    }

    /// <summary>
    /// An address, or a host name of letters, digits, hyphens and underscores: not a URL, and not a
    /// mistyped address such as 192.0.2.300 (a top-level label is never all digits, RFC 3696 §2).
    /// </summary>
    private static bool IsHostOrAddress(string text)
    {
        if (AddressText.TryParse(text, out _))
        {
            return true;
        }

        var labels = text.TrimEnd('.').Split('.');
        return DnsName.Parse(text.TrimEnd('.') + ".") is not null
            && labels.All(l => l.Length > 0 && l.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            && !labels[^1].All(char.IsAsciiDigit);
    }

    /// <summary>A Host header value: host, IPv4, or [IPv6], each optionally followed by :port (RFC 9110 §7.2).</summary>
    private static bool IsHostHeader(string text)
    {
        var host = text;
        var colon = text.LastIndexOf(':');
        if (colon > text.LastIndexOf(']'))
        {
            if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                return false;
            }

            host = text[..colon];
        }

        return host.StartsWith('[') && host.EndsWith(']')
            ? AddressText.TryParse(host[1..^1], System.Net.Sockets.AddressFamily.InterNetworkV6, out _)
            : !host.Contains(':', StringComparison.Ordinal) && IsHostOrAddress(host);
    }

    private static bool Fail(YamlMap map, string? key, string message)
    {
        map.Error(key, message);
        return false;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
