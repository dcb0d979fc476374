namespace FailoverDns.Server.Cluster;

/// <summary>
/// Where things live in etcd, under the cluster's prefix:
/// <c>locations/{location}</c>, <c>verdicts/{check}/{location}</c> and <c>overrides/{check}</c>.
/// Check names are escaped (as in a URL), since they may contain '/'; location names cannot.
/// </summary>
public sealed class ClusterKeys(string prefix)
{
    public const string Locations = "locations/";
    public const string Verdicts = "verdicts/";
    public const string Overrides = "overrides/";

    public string Prefix => prefix;

    public string Location(string location) => prefix + Locations + location;

    public string Verdict(string check, string location) => prefix + Verdicts + Uri.EscapeDataString(check) + "/" + location;

    public string Override(string check) => prefix + Overrides + Uri.EscapeDataString(check);

    /// <summary>What a key under the prefix names; null for a key this version does not know.</summary>
    public ClusterKey? Parse(string key)
    {
        if (!key.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = key.AsSpan(prefix.Length);
        if (rest.StartsWith(Locations) && rest[Locations.Length..] is { Length: > 0 } location && !location.Contains('/'))
        {
            return new ClusterKey(ClusterKeyKind.Location, null, location.ToString());
        }

        if (rest.StartsWith(Overrides) && rest[Overrides.Length..] is { Length: > 0 } escaped && !escaped.Contains('/'))
        {
            return new ClusterKey(ClusterKeyKind.Override, Uri.UnescapeDataString(escaped.ToString()), null);
        }

        if (rest.StartsWith(Verdicts))
        {
            var path = rest[Verdicts.Length..];
            var slash = path.IndexOf('/');
            if (slash > 0 && path[(slash + 1)..] is { Length: > 0 } at && !at.Contains('/'))
            {
                return new ClusterKey(ClusterKeyKind.Verdict, Uri.UnescapeDataString(path[..slash].ToString()), at.ToString());
            }
        }

        return null;
    }
}

public enum ClusterKeyKind
{
    Location,
    Verdict,
    Override,
}

public sealed record ClusterKey(ClusterKeyKind Kind, string? Check, string? Location);
