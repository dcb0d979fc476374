using System.Net;

namespace FailoverDns.Configuration;

/// <summary>The admin HTTP API: where it listens, the bearer token it requires, where overrides persist.</summary>
public sealed record AdminOptions
{
    public const string TokenVariable = "FAILOVERDNS_ADMIN_TOKEN";

    public static IPEndPoint DefaultListen { get; } = new(IPAddress.Loopback, 8053);

    /// <summary>A month: long enough for any maintenance window, short enough that a forgotten override ends.</summary>
    public static TimeSpan DefaultMaxOverride { get; } = TimeSpan.FromDays(30);

    /// <summary>The longest <see cref="MaxOverride"/> the config accepts.</summary>
    public static TimeSpan MaxOverrideLimit { get; } = TimeSpan.FromDays(366);

    /// <summary>Null when the API is off (<c>admin: { enabled: false }</c>).</summary>
    public IPEndPoint? Listen { get; init; } = DefaultListen;

    /// <summary>Required on every request except /healthz and /readyz when set; mandatory off loopback.</summary>
    public string? Token { get; init; }

    /// <summary>Where overrides are kept across restarts; default: failoverdns.state.json beside the config.</summary>
    public string? StateFile { get; init; }

    /// <summary>
    /// Host names (or addresses) accepted in the <c>Host</c> header besides the listen address itself,
    /// lowercased, IPv6 without brackets. Anything else is refused, against DNS rebinding.
    /// </summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary>How far ahead an override's <c>until</c> may lie.</summary>
    public TimeSpan MaxOverride { get; init; } = DefaultMaxOverride;

    public bool RequiresToken => Listen is not null && !IPAddress.IsLoopback(Listen.Address);

    /// <summary>By value, the allowed hosts too: a reload of the same file must not look like a change that needs a restart.</summary>
    public bool Equals(AdminOptions? other) =>
        other is not null
        && Equals(Listen, other.Listen)
        && (Token, StateFile, MaxOverride) == (other.Token, other.StateFile, other.MaxOverride)
        && AllowedHosts.SequenceEqual(other.AllowedHosts, StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Listen, Token, StateFile, MaxOverride, AllowedHosts.Count);

    /// <summary>
    /// Normalizes a <c>Host</c> name the way both the config and the admin API compare it: an address
    /// in its canonical text without brackets, a name lowercased without a trailing dot; null when it
    /// is neither.
    /// </summary>
    public static string? NormalizeHost(string text)
    {
        var bare = text.Length > 2 && text[0] == '[' && text[^1] == ']' ? text[1..^1] : text;
        if (IPAddress.TryParse(bare, out var address))
        {
            return address.ToString();
        }

        var name = text.TrimEnd('.').ToLowerInvariant();
        return Uri.CheckHostName(name) == UriHostNameType.Dns ? name : null;
    }
}
