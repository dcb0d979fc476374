using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace FailoverDns.Server.Import;

/// <summary>
/// <c>failoverdns import route53</c>: turns a hosted zone's record sets and the account's health
/// checks, as the AWS CLI prints them, into a FailoverDns config. What has no FailoverDns meaning is
/// not guessed at: it is listed, with the reason, at the top of the output and on stderr, so that
/// nothing is silently dropped.
/// </summary>
public static partial class Route53Import
{
    /// <summary>The types FailoverDns reads in presentation form (others only as RFC 3597 <c>TYPEnn</c>).</summary>
    private static readonly HashSet<string> RecordTypes = new(["A", "AAAA", "CNAME", "NS", "SOA", "MX", "TXT", "SRV", "CAA", "PTR", "DS"], StringComparer.Ordinal);

    /// <summary>The types a failover set may have.</summary>
    private static readonly HashSet<string> FailoverTypes = new(["A", "AAAA", "CNAME", "TXT", "MX", "SRV", "CAA", "PTR"], StringComparer.Ordinal);

    /// <summary>Converts; exit 0 on success, 1 when an input cannot be read (or the output written).</summary>
    /// <param name="recordSetsPath">The JSON of <c>aws route53 list-resource-record-sets --hosted-zone-id ID</c>.</param>
    /// <param name="healthChecksPath">The JSON of <c>aws route53 list-health-checks</c>.</param>
    /// <param name="zone">The zone's name; by default the SOA's owner, else the names' common suffix.</param>
    /// <param name="outputPath">Where the YAML goes; null for <paramref name="output"/>.</param>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error: what was not mapped, and why an input could not be read.</param>
    public static int Run(string recordSetsPath, string healthChecksPath, string? zone, string? outputPath, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var recordSets = Read(recordSetsPath, Route53JsonContext.Default.Route53RecordSets, "aws route53 list-resource-record-sets", error);
        var healthChecks = Read(healthChecksPath, Route53JsonContext.Default.Route53HealthChecks, "aws route53 list-health-checks", error);
        if (recordSets?.ResourceRecordSets is null || healthChecks?.HealthChecks is null)
        {
            if (recordSets is { ResourceRecordSets: null })
            {
                error.WriteLine($"failoverdns import: {recordSetsPath} has no \"ResourceRecordSets\": is it what `aws route53 list-resource-record-sets` prints?");
            }

            if (healthChecks is { HealthChecks: null })
            {
                error.WriteLine($"failoverdns import: {healthChecksPath} has no \"HealthChecks\": is it what `aws route53 list-health-checks` prints?");
            }

            return 1;
        }

        var origin = zone is null ? GuessZone(recordSets.ResourceRecordSets) : Absolute(zone);
        if (origin is null)
        {
            error.WriteLine("failoverdns import: the record sets name no zone (no SOA, no names in common): give --zone NAME");
            return 1;
        }

        var converter = new Converter(origin, healthChecks.HealthChecks);
        var yaml = converter.Convert(recordSets, healthChecks.IsTruncated);
        foreach (var note in converter.NotMapped)
        {
            error.WriteLine($"failoverdns import: not mapped: {note}");
        }

        try
        {
            if (outputPath is null)
            {
                output.Write(yaml);
            }
            else
            {
                File.WriteAllText(outputPath, yaml);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"failoverdns import: cannot write {outputPath}: {e.Message}");
            return 1;
        }

        error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"failoverdns import: zone {origin}: {converter.Summary}; {converter.NotMapped.Count} not mapped{(converter.NotMapped.Count > 0 ? " (listed at the top of the config)" : "")}"));
        return 0;
    }

    private static T? Read<T>(string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, string command, TextWriter error)
        where T : class
    {
        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize(stream, type);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"failoverdns import: cannot read {path}: {e.Message}");
        }
        catch (JsonException e)
        {
            error.WriteLine($"failoverdns import: {path} is not the JSON `{command}` prints: {e.Message}");
        }

        return null;
    }

    /// <summary>The SOA's owner, else the longest suffix all names share.</summary>
    private static string? GuessZone(List<Route53RecordSet> sets)
    {
        if (sets.FirstOrDefault(s => s.Type == "SOA") is { } soa)
        {
            return Absolute(soa.Name);
        }

        var labels = sets.Select(s => Absolute(s.Name).TrimEnd('.').Split('.').Reverse().ToArray()).ToList();
        var common = labels.Count == 0 ? [] : labels[0].TakeWhile((label, i) => labels.All(l => l.Length > i && l[i] == label)).ToArray();
        return common.Length == 0 ? null : string.Join('.', common.Reverse()) + ".";
    }

    /// <summary>Lower case, with the final dot; Route 53's <c>\052</c> (an escaped *) back to a wildcard.</summary>
    private static string Absolute(string name)
    {
        var lower = name.ToLowerInvariant().Replace("\\052", "*", StringComparison.Ordinal);
        return lower.EndsWith('.') ? lower : lower + ".";
    }

    /// <summary>Plain when YAML reads it back unchanged as text, else double-quoted.</summary>
    private static string Scalar(string text) =>
        PlainScalar().IsMatch(text)
            ? text
            : "\"" + string.Concat(text.Select(c => c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' or '\u007f' => string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ => c.ToString(),
            })) + "\"";

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9._/-]*$")]
    private static partial Regex PlainScalar();

    /// <summary>One conversion: the zone, the health checks as mapped so far, and what was not mapped.</summary>
    private sealed class Converter(string origin, List<Route53HealthCheck> healthChecks)
    {
        private readonly Dictionary<string, Route53HealthCheck> _checksById = healthChecks.Where(c => c.Id is not null).GroupBy(c => c.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

        /// <summary>Each health check met, by id: its YAML, or why it cannot be mapped.</summary>
        private readonly Dictionary<string, (string? Yaml, string? Reason)> _checks = new(StringComparer.Ordinal);

        private readonly List<string> _records = [];
        private readonly List<string> _failover = [];

        public List<string> NotMapped { get; } = [];

        public string Summary => string.Create(CultureInfo.InvariantCulture, $"{_records.Count} record set(s), {_failover.Count} failover set(s), {_checks.Values.Count(c => c.Yaml is not null)} health check(s)");

        public string Convert(Route53RecordSets export, bool healthChecksTruncated)
        {
            if (export.IsTruncated || healthChecksTruncated)
            {
                NotMapped.Add("the export is truncated (IsTruncated: true): run the aws command without --max-items, which pages through everything");
            }

            var sets = export.ResourceRecordSets!;
            foreach (var set in sets.Where(s => s.Failover is null))
            {
                ConvertSimple(set);
            }

            foreach (var pair in sets.Where(s => s.Failover is not null).GroupBy(s => (Name: Absolute(s.Name), s.Type)))
            {
                ConvertFailover(pair.Key.Name, pair.Key.Type, [.. pair]);
            }

            return Write(sets.Any(s => s.Type == "SOA" && Absolute(s.Name) == origin));
        }

        private void ConvertSimple(Route53RecordSet set)
        {
            var name = Absolute(set.Name);
            var what = $"{name} {set.Type}{(set.SetIdentifier is null ? "" : $" ({set.SetIdentifier})")}";
            if (OtherRoutingPolicy(set) is { } policy)
            {
                NotMapped.Add($"{what}: {policy} routing: FailoverDns answers a name with one set of records, chosen by health (failover tiers), not by {PolicyBasis(policy)}; write the records to serve under records:");
            }
            else if (Relative(name) is not { } relative)
            {
                NotMapped.Add($"{what}: outside the zone {origin}");
            }
            else if (set.AliasTarget is { } alias)
            {
                NotMapped.Add($"{what}: {AliasReason(alias)}");
            }
            else if (!RecordTypes.Contains(set.Type))
            {
                NotMapped.Add($"{what}: FailoverDns reads {set.Type} records only in the RFC 3597 form (TYPEnn \\# length hex); convert them by hand");
            }
            else
            {
                _records.Add(Entry("      ", relative, set.Type, set.Ttl, Values(set)));
            }
        }

        private void ConvertFailover(string name, string type, List<Route53RecordSet> members)
        {
            var what = $"{name} {type} failover";
            var primary = members.FirstOrDefault(m => m.Failover == "PRIMARY");
            var secondary = members.FirstOrDefault(m => m.Failover == "SECONDARY");
            if (Relative(name) is not { } relative)
            {
                NotMapped.Add($"{what}: outside the zone {origin}");
                return;
            }

            if (primary is null || secondary is null || members.Count != 2)
            {
                NotMapped.Add($"{what}: a failover set is one PRIMARY and one SECONDARY; the export has {string.Join(" and ", members.Select(m => m.Failover))}");
                return;
            }

            if (members.FirstOrDefault(m => m.AliasTarget is not null) is { } alias)
            {
                NotMapped.Add($"{what}: its {alias.Failover} is {AliasReason(alias.AliasTarget!)}");
                return;
            }

            if (!FailoverTypes.Contains(type))
            {
                NotMapped.Add($"{what}: FailoverDns fails over {string.Join(", ", FailoverTypes)} records, not {type}");
                return;
            }

            if (primary.HealthCheckId is null)
            {
                // Route 53 counts a PRIMARY without a check as always healthy: the SECONDARY is never served.
                _records.Add(Entry("      ", relative, type, primary.Ttl, Values(primary)));
                NotMapped.Add($"{what}: the PRIMARY has no health check, so Route 53 always answers it: written as a plain record, the SECONDARY ({string.Join(", ", Values(secondary))}) left out");
                return;
            }

            if (MapCheck(primary.HealthCheckId) is { } primaryReason)
            {
                NotMapped.Add($"{what}: the PRIMARY's health check {primary.HealthCheckId} {primaryReason}");
                return;
            }

            var secondaryCheck = secondary.HealthCheckId;
            if (secondaryCheck is not null && MapCheck(secondaryCheck) is { } secondaryReason)
            {
                NotMapped.Add($"{what}: the SECONDARY's health check {secondaryCheck} {secondaryReason}; written without it (served whenever the PRIMARY is unhealthy)");
                secondaryCheck = null;
            }

            var ttl = new[] { primary.Ttl, secondary.Ttl }.Min();
            var yaml = new StringBuilder();
            yaml.Append("      - name: ").Append(Scalar(relative)).Append('\n');
            yaml.Append("        type: ").Append(type).Append('\n');
            if (ttl is not null)
            {
                yaml.Append(CultureInfo.InvariantCulture, $"        ttl: {ttl}\n");
            }

            AppendTier(yaml, "primary", primary, primary.HealthCheckId);
            AppendTier(yaml, "secondary", secondary, secondaryCheck);
            _failover.Add(yaml.ToString());
        }

        private static void AppendTier(StringBuilder yaml, string tier, Route53RecordSet set, string? healthCheck)
        {
            yaml.Append("        ").Append(tier).Append(":\n");
            if (healthCheck is not null)
            {
                yaml.Append("          healthCheck: ").Append(Scalar(healthCheck)).Append('\n');
            }

            yaml.Append("          values:\n");
            foreach (var value in Values(set))
            {
                yaml.Append("            - ").Append(Scalar(value)).Append('\n');
            }
        }

        /// <summary>Maps the check (and a calculated check's children) once; null when it is mapped, else why not.</summary>
        private string? MapCheck(string id)
        {
            if (_checks.TryGetValue(id, out var known))
            {
                return known.Reason;
            }

            _checks[id] = (null, "depends on itself");
            var (yaml, reason) = _checksById.TryGetValue(id, out var check) && check.HealthCheckConfig is { } config
                ? MapConfig(id, config)
                : (null, "is not in the health-check export (aws route53 list-health-checks)");
            _checks[id] = (yaml, reason);
            return reason;
        }

        private (string? Yaml, string? Reason) MapConfig(string id, Route53HealthCheckConfig config)
        {
            var yaml = new StringBuilder();
            yaml.Append("  - name: ").Append(Scalar(id)).Append('\n');
            switch (config.Type)
            {
                case "HTTP" or "HTTPS" or "HTTP_STR_MATCH" or "HTTPS_STR_MATCH" or "TCP":
                    if ((config.IpAddress ?? config.FullyQualifiedDomainName) is not { } target)
                    {
                        return (null, "has neither IPAddress nor FullyQualifiedDomainName");
                    }

                    var type = config.Type.StartsWith("HTTPS", StringComparison.Ordinal) ? "https" : config.Type == "TCP" ? "tcp" : "http";
                    yaml.Append("    type: ").Append(type).Append('\n');
                    yaml.Append("    target: ").Append(Scalar(target)).Append('\n');
                    if (config.Port is { } port)
                    {
                        yaml.Append(CultureInfo.InvariantCulture, $"    port: {port}\n");
                    }

                    if (type != "tcp")
                    {
                        AppendHttp(yaml, config, type);
                    }

                    break;
                case "CALCULATED":
                    var children = config.ChildHealthChecks ?? [];
                    var threshold = config.HealthThreshold ?? children.Count;
                    if (children.Count == 0 || threshold > children.Count)
                    {
                        return (null, string.Create(CultureInfo.InvariantCulture, $"is a calculated check needing {threshold} of {children.Count} children healthy, which FailoverDns cannot express (require is 1 to the number of checks)"));
                    }

                    foreach (var child in children)
                    {
                        if (MapCheck(child) is { } childReason)
                        {
                            return (null, $"is calculated from {child}, which {childReason}");
                        }
                    }

                    yaml.Append("    type: calculated\n    checks:\n");
                    foreach (var child in children)
                    {
                        yaml.Append("      - ").Append(Scalar(child)).Append('\n');
                    }

                    // Route 53's threshold 0 is always healthy: a disabled check is.
                    var require = threshold == children.Count ? "all" : threshold <= 1 ? "any" : threshold.ToString(CultureInfo.InvariantCulture);
                    yaml.Append("    require: ").Append(require).Append('\n');
                    if (threshold == 0)
                    {
                        config = config with { Disabled = true };
                    }

                    break;
                case "CLOUDWATCH_METRIC":
                    return (null, "judges a CloudWatch alarm, which only AWS evaluates: write an http, https or tcp check against what the alarm watches");
                case "RECOVERY_CONTROL":
                    return (null, "follows an Application Recovery Controller routing control, a switch in AWS: FailoverDns's switch is an override (admin API)");
                default:
                    return (null, $"has type {config.Type}, which FailoverDns does not know");
            }

            if (config.Type != "CALCULATED")
            {
                var interval = config.RequestInterval ?? 30;
                var failures = config.FailureThreshold ?? 3;
                yaml.Append(CultureInfo.InvariantCulture, $"    interval: {interval}s\n");

                // Route 53 counts the same number of results to turn either way.
                yaml.Append(CultureInfo.InvariantCulture, $"    failureThreshold: {failures}\n    recoveryThreshold: {failures}\n");
            }

            if (config.Inverted == true)
            {
                yaml.Append("    invert: true\n");
            }

            if (config.Disabled == true)
            {
                yaml.Append("    disabled: true\n");
            }

            return (yaml.ToString(), null);
        }

        /// <summary>Path, Host header (Route 53 sends the FQDN, with :port off 80/443), SNI and the search string.</summary>
        private static void AppendHttp(StringBuilder yaml, Route53HealthCheckConfig config, string type)
        {
            if (config.ResourcePath is { Length: > 0 } path)
            {
                yaml.Append("    path: ").Append(Scalar(path.StartsWith('/') ? path : "/" + path)).Append('\n');
            }

            // With only a host name, the target is the FQDN and FailoverDns's default Host header is Route 53's.
            if (config.IpAddress is not null && config.FullyQualifiedDomainName is { } host)
            {
                var standard = type == "https" ? 443 : 80;
                var port = config.Port ?? standard;
                yaml.Append("    host: ").Append(Scalar(port == standard ? host : string.Create(CultureInfo.InvariantCulture, $"{host}:{port}"))).Append('\n');
            }

            if (type == "https" && config.EnableSni == false)
            {
                yaml.Append("    sni: false\n");
            }

            if (config.Type.EndsWith("_STR_MATCH", StringComparison.Ordinal) && config.SearchString is { } match)
            {
                yaml.Append("    match: ").Append(Scalar(match)).Append('\n');
            }
        }

        private string Write(bool hasSoa)
        {
            var yaml = new StringBuilder();
            yaml.Append("# Imported from Route 53 by `failoverdns import route53`: zone ").Append(origin).Append('\n');
            if (NotMapped.Count > 0)
            {
                yaml.Append("#\n# Not mapped (decide what to do with each; README, From Route 53):\n");
                foreach (var note in NotMapped)
                {
                    yaml.Append("#   - ").Append(Comment(note)).Append('\n');
                }
            }

            if (hasSoa)
            {
                yaml.Append("#\n# The SOA and NS records are Route 53's: name this server's name servers there before delegating to it.\n");
            }

            yaml.Append('\n');
            var mapped = _checks.Values.Where(c => c.Yaml is not null).Select(c => c.Yaml!).ToList();
            if (mapped.Count > 0)
            {
                yaml.Append("healthChecks:\n");
                mapped.ForEach(c => yaml.Append(c));
                yaml.Append('\n');
            }

            yaml.Append("zones:\n  - name: ").Append(Scalar(origin.TrimEnd('.'))).Append('\n');
            if (_records.Count > 0)
            {
                yaml.Append("    records:\n");
                _records.ForEach(r => yaml.Append(r));
            }

            if (_failover.Count > 0)
            {
                yaml.Append("    failover:\n");
                _failover.ForEach(f => yaml.Append(f));
            }

            return yaml.ToString();
        }

        /// <summary>The name relative to the zone (<c>@</c> for the apex), or null when it is outside.</summary>
        private string? Relative(string name) =>
            name == origin ? "@" : name.EndsWith("." + origin, StringComparison.Ordinal) ? name[..^(origin.Length + 1)] : null;

        private static string Entry(string indent, string name, string type, long? ttl, List<string> values)
        {
            var yaml = new StringBuilder();
            yaml.Append(indent).Append("- name: ").Append(Scalar(name)).Append('\n');
            yaml.Append(indent).Append("  type: ").Append(type).Append('\n');
            if (ttl is not null)
            {
                yaml.Append(indent).Append(CultureInfo.InvariantCulture, $"  ttl: {ttl}\n");
            }

            yaml.Append(indent).Append("  values:\n");
            foreach (var value in values)
            {
                yaml.Append(indent).Append("    - ").Append(Scalar(value)).Append('\n');
            }

            return yaml.ToString();
        }

        private static List<string> Values(Route53RecordSet set) => [.. (set.ResourceRecords ?? []).Select(r => r.Value)];

        private static string? OtherRoutingPolicy(Route53RecordSet set) => set switch
        {
            { Weight: not null } => "weighted",
            { Region: not null } => "latency",
            { GeoLocation: not null } => "geolocation",
            { GeoProximityLocation: not null } => "geoproximity",
            { CidrRoutingConfig: not null } => "IP-based",
            { MultiValueAnswer: true } => "multivalue answer",
            _ => null,
        };

        private static string PolicyBasis(string policy) => policy switch
        {
            "weighted" => "weights",
            "latency" => "the client's latency to AWS regions",
            "multivalue answer" => "returning up to eight healthy records at random",
            _ => "where the client is",
        };

        private string AliasReason(Route53AliasTarget alias)
        {
            var target = Absolute(alias.DnsName);
            var service = target switch
            {
                _ when target.EndsWith(".elb.amazonaws.com.", StringComparison.Ordinal) => "an AWS load balancer",
                _ when target.EndsWith(".cloudfront.net.", StringComparison.Ordinal) => "a CloudFront distribution",
                _ when target.Contains("s3-website", StringComparison.Ordinal) || target.Contains(".s3.", StringComparison.Ordinal) => "an S3 website endpoint",
                _ when target.Contains("execute-api", StringComparison.Ordinal) => "an API Gateway endpoint",
                _ when Relative(target) is not null => null,
                _ => "an AWS resource",
            };
            return service is null
                ? $"an alias to {target} in this zone: FailoverDns has no alias records; write a CNAME (not at the apex) or copy that name's records"
                : $"an alias to {service} ({target}): Route 53 answers with addresses only AWS knows and changes; below the apex write a CNAME to {target}, at it the addresses as A/AAAA records";
        }

        /// <summary>A note as one comment line: line breaks and control characters from the export escaped.</summary>
        private static string Comment(string note) =>
            string.Concat(note.Select(c => c < ' ' || c == '\u007f' ? string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}") : c.ToString()));
    }
}
