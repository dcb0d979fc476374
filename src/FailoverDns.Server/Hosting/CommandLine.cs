using System.Net;
using FailoverDns.Zones.Config;
using FailoverDns.Zones.Text;

namespace FailoverDns.Server.Hosting;

/// <summary>
/// The options of a serving run: <c>--config FILE</c> and any number of <c>--listen ADDR:PORT</c>,
/// falling back to <c>FAILOVERDNS_CONFIG</c> and <c>FAILOVERDNS_LISTEN</c> (comma-separated), which
/// is how the container image points the server at its mounted config and port.
/// </summary>
internal sealed record CommandLine(string ConfigPath, IReadOnlyList<IPEndPoint> Listen)
{
    public const string DefaultConfig = "config/failoverdns.yaml";

    public static CommandLine? Parse(IReadOnlyList<string> args, Func<string, string?> environment, out string? error)
    {
        error = null;
        string? config = null;
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
                case "--listen" when value is not null:
                    if (!AddressText.TryParseEndpoint(value, ConfigLoader.DefaultPort, out var endpoint))
                    {
                        error = $"--listen: '{value}' is not an address and port (write 127.0.0.1:53 or [::1]:53)";
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
                if (!AddressText.TryParseEndpoint(item, ConfigLoader.DefaultPort, out var endpoint))
                {
                    error = $"FAILOVERDNS_LISTEN: '{item}' is not an address and port";
                    return null;
                }

                listen.Add(endpoint);
            }
        }

        config ??= environment("FAILOVERDNS_CONFIG") is { Length: > 0 } path ? path : DefaultConfig;
        return new CommandLine(config, listen);
    }

    /// <summary>The config with its listen addresses replaced when any were given here.</summary>
    public FailoverDnsConfig Apply(FailoverDnsConfig config) => Listen.Count == 0
        ? config
        : config with { Listen = [.. Listen.Select(e => new ListenEndpoint(e.Address, e.Port, true, true, new SourceLocation("--listen", 1, 1)))] };
}
