using System.Net;
using FailoverDns.Configuration;
using FailoverDns.Zones.Text;

namespace FailoverDns.Server.Hosting;

/// <summary>
/// The options of a serving run: <c>--config FILE</c>, any number of <c>--listen ADDR:PORT</c> (the port required) and
/// <c>--state-file FILE</c>, falling back to <c>FAILOVERDNS_CONFIG</c>, <c>FAILOVERDNS_LISTEN</c>
/// (comma-separated) and <c>FAILOVERDNS_STATE_FILE</c>: how the container image points the server
/// at its mounted config, its port and its writable volume.
/// </summary>
internal sealed record CommandLine(string ConfigPath, IReadOnlyList<IPEndPoint> Listen, string? StateFile = null)
{
    public const string DefaultConfig = "config/failoverdns.yaml";

    public static CommandLine? Parse(IReadOnlyList<string> args, Func<string, string?> environment, out string? error)
    {
        error = null;
        string? config = null;
        string? stateFile = null;
        var listen = new List<IPEndPoint>();
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : null;
            switch (args[i])
            {
                case "--config" when value is not null:
                    config = value;
                    i++;
                    break;
                case "--state-file" when value is not null:
                    stateFile = value;
                    i++;
                    break;
                case "--listen" when value is not null:
                    if (!TryParseListen("--listen", value, out var endpoint, out error))
                    {
                        return null;
                    }

                    listen.Add(endpoint);
                    i++;
                    break;
                default:
                    error = $"unknown or incomplete argument '{args[i]}'";
                    return null;
            }
        }

        if (listen.Count == 0 && environment("FAILOVERDNS_LISTEN") is { Length: > 0 } fromEnvironment)
        {
            foreach (var item in fromEnvironment.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!TryParseListen("FAILOVERDNS_LISTEN", item, out var endpoint, out error))
                {
                    return null;
                }

                listen.Add(endpoint);
            }
        }

        config ??= environment("FAILOVERDNS_CONFIG") is { Length: > 0 } path ? path : DefaultConfig;
        stateFile ??= environment("FAILOVERDNS_STATE_FILE") is { Length: > 0 } state ? state : null;
        return new CommandLine(config, listen, stateFile);
    }

    /// <summary>
    /// An address and port. A bare address is refused rather than taken to mean port 53: the error
    /// shows it written with the port.
    /// </summary>
    private static bool TryParseListen(string option, string text, out IPEndPoint endpoint, out string? error)
    {
        error = null;
        if (AddressText.TryParseEndpointWithPort(text, out endpoint))
        {
            return true;
        }

        error = AddressText.TryParseEndpoint(text, ConfigLoader.DefaultPort, out var withDefault)
            ? $"{option}: '{text}' has no port; write the address with its port, e.g. {withDefault} (for IPv6, in brackets: [::1]:53)"
            : $"{option}: '{text}' is not an address and port (write 127.0.0.1:53, or [::1]:53 for IPv6)";
        return false;
    }

    /// <summary>The config with its listen addresses and state file replaced by those given here, if any.</summary>
    public FailoverDnsConfig Apply(FailoverDnsConfig config) => config with
    {
        Listen = Listen.Count == 0 ? config.Listen : [.. Listen.Select(e => new ListenEndpoint(e.Address, e.Port, true, true, new SourceLocation("--listen", 1, 1)))],
        Admin = StateFile is null ? config.Admin : config.Admin with { StateFile = Path.GetFullPath(StateFile) },
    };
}
