using System.Globalization;
using FailoverDns.Zones.Text;
using YamlDotNet.RepresentationModel;

namespace FailoverDns.Configuration.Yaml;

/// <summary>
/// A YAML mapping read key by key: every lookup is remembered so that keys nobody asked for can be
/// reported as unknown (a typo must not silently fall back to a default).
/// </summary>
internal sealed class YamlMap
{
    private readonly YamlMappingNode _node;
    private readonly string _file;
    private readonly List<ConfigError> _errors;
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public YamlMap(YamlMappingNode node, string file, List<ConfigError> errors)
    {
        _node = node;
        _file = file;
        _errors = errors;
    }

    public SourceLocation Location => At(_node);

    public YamlNode? this[string key]
    {
        get
        {
            _known.Add(key);
            foreach (var (k, v) in _node.Children)
            {
                if (k is YamlScalarNode { Value: var name } && name == key)
                {
                    return v;
                }
            }

            return null;
        }
    }

    public bool Has(string key) => this[key] is not null;

    public SourceLocation At(YamlNode node) => new(_file, (int)node.Start.Line, (int)node.Start.Column);

    public void Error(YamlNode node, string message) => _errors.Add(new ConfigError(At(node), message));

    /// <summary>Reports a problem at <paramref name="key"/>'s value, or at the mapping when the key is absent.</summary>
    public void Error(string? key, string message) =>
        _errors.Add(new ConfigError(key is not null && this[key] is { } node ? At(node) : Location, message));

    public string? Scalar(string key)
    {
        var node = this[key];
        switch (node)
        {
            case null:
                return null;
            case YamlScalarNode scalar:
                return scalar.Value ?? "";
            default:
                Error(node, $"{Excerpt.Quote(key)} must be a single value");
                return null;
        }
    }

    public YamlMap? Map(string key)
    {
        var node = this[key];
        switch (node)
        {
            case null:
                return null;
            case YamlMappingNode map:
                return new YamlMap(map, _file, _errors);
            default:
                Error(node, $"{Excerpt.Quote(key)} must be a mapping of keys to values");
                return null;
        }
    }

    public IEnumerable<YamlNode> Sequence(string key)
    {
        var node = this[key];
        switch (node)
        {
            case null:
                return [];
            case YamlSequenceNode sequence:
                return sequence.Children;
            case YamlScalarNode { Value: null or "" }:
                return [];
            default:
                Error(node, $"{Excerpt.Quote(key)} must be a list");
                return [];
        }
    }

    public YamlMap Child(YamlMappingNode node) => new(node, _file, _errors);

    /// <summary>Reports every key that no lookup asked for (nor <paramref name="alsoKnown"/> names).</summary>
    public void RejectUnknownKeys(params string[] alsoKnown)
    {
        _known.UnionWith(alsoKnown);
        foreach (var key in _node.Children.Keys)
        {
            if (key is not YamlScalarNode { Value: var name } || name is null || !_known.Contains(name))
            {
                var known = string.Join(", ", _known.Order(StringComparer.Ordinal));
                Error(key, $"unknown key {Excerpt.Quote((key as YamlScalarNode)?.Value ?? key.ToString())} (expected one of: {known})");
            }
        }
    }

    public uint Ttl(string key, uint fallback)
    {
        var text = Scalar(key);
        if (text is null)
        {
            return fallback;
        }

        if (!TtlParser.TryParse(text, out var ttl))
        {
            Error(this[key]!, $"{Excerpt.Quote(key)} must be 0-{TtlParser.MaxTtl} seconds or a duration like 5m, not {Excerpt.Quote(text)}");
            return fallback;
        }

        return ttl;
    }

    public int Int(string key, int fallback, int min, int max)
    {
        var text = Scalar(key);
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            Error(this[key]!, $"{Excerpt.Quote(key)} must be a whole number from {min} to {max}, not {Excerpt.Quote(text)}");
            return fallback;
        }

        return value;
    }

    public TimeSpan Duration(string key, TimeSpan fallback, TimeSpan min, TimeSpan max)
    {
        var text = Scalar(key);
        if (text is null)
        {
            return fallback;
        }

        if (!DurationParser.TryParse(text, out var value) || value < min || value > max)
        {
            Error(this[key]!, $"{Excerpt.Quote(key)} must be a duration from {DurationParser.Format(min)} to {DurationParser.Format(max)} (like 500ms, 10s, 1m), not {Excerpt.Quote(text)}");
            return fallback;
        }

        return value;
    }

    public bool Bool(string key, bool fallback)
    {
        var text = Scalar(key);
        if (text is null)
        {
            return fallback;
        }

        if (!bool.TryParse(text, out var value))
        {
            Error(this[key]!, $"{Excerpt.Quote(key)} must be true or false, not {Excerpt.Quote(text)}");
            return fallback;
        }

        return value;
    }
}
