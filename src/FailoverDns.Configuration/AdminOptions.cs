using System.Net;

namespace FailoverDns.Configuration;

/// <summary>The admin HTTP API: where it listens, the bearer token it requires, where overrides persist.</summary>
public sealed record AdminOptions
{
    public const string TokenVariable = "FAILOVERDNS_ADMIN_TOKEN";

    public static IPEndPoint DefaultListen { get; } = new(IPAddress.Loopback, 8053);

    /// <summary>Null when the API is off (<c>admin: { enabled: false }</c>).</summary>
    public IPEndPoint? Listen { get; init; } = DefaultListen;

    /// <summary>Required on every request except /healthz and /readyz when set; mandatory off loopback.</summary>
    public string? Token { get; init; }

    /// <summary>Where overrides are kept across restarts; default: failoverdns.state.json beside the config.</summary>
    public string? StateFile { get; init; }

    public bool RequiresToken => Listen is not null && !IPAddress.IsLoopback(Listen.Address);
}
