using System.CommandLine;
using System.Net;
using FailoverDns.Configuration;
using FailoverDns.Server.Hosting.Cli;
using FailoverDns.Zones.Text;

namespace FailoverDns.Server.Hosting;

/// <summary>
/// The options of a serving run: <c>--config FILE</c>, any number of <c>--listen ADDR:PORT</c> (the port required),
/// <c>--state-file FILE</c> and <c>--admin-listen ADDR:PORT</c>, falling back to <c>FAILOVERDNS_CONFIG</c>,
/// <c>FAILOVERDNS_LISTEN</c> (comma-separated), <c>FAILOVERDNS_STATE_FILE</c> and <c>FAILOVERDNS_ADMIN_LISTEN</c>:
/// how the container image points the server at its mounted config, its ports and its writable volume.
/// The words are parsed by System.CommandLine (<see cref="ServeCommand"/>); this is what they mean.
/// </summary>
internal sealed record CommandLine(string ConfigPath, IReadOnlyList<IPEndPoint> Listen, string? StateFile = null, IPEndPoint? AdminListen = null)
{
    public const string DefaultConfig = "config/failoverdns.yaml";

    public const string ConfigVariable = "FAILOVERDNS_CONFIG";

    public const string ListenVariable = "FAILOVERDNS_LISTEN";

    public const string StateFileVariable = "FAILOVERDNS_STATE_FILE";

    public const string AdminListenVariable = "FAILOVERDNS_ADMIN_LISTEN";

    /// <summary>The serving options in <paramref name="args"/> (and nothing else); null with the reason when they are wrong.</summary>
    public static CommandLine? Parse(IReadOnlyList<string> args, Func<string, string?> environment, out string? error)
    {
        var options = new ServeOptions();
        var command = new Command("failoverdns");
        options.AddTo(command);
        var result = command.Parse(args);
        if (result.Errors.Count > 0)
        {
            error = CliRunner.Message(result);
            return null;
        }

        return options.Read(result, environment, out error);
    }

    /// <summary>The given config path, else <c>$FAILOVERDNS_CONFIG</c>, else <see cref="DefaultConfig"/>.</summary>
    public static string ConfigPathOf(string? given, Func<string, string?> environment) =>
        given ?? (environment(ConfigVariable) is { Length: > 0 } path ? path : DefaultConfig);

    /// <summary>The serving options from the parsed words, with the environment's where a word was not given.</summary>
    public static CommandLine? From(string? config, IReadOnlyList<IPEndPoint> listen, string? stateFile, IPEndPoint? adminListen, Func<string, string?> environment, out string? error)
    {
        error = null;
        var endpoints = listen.ToList();
        if (endpoints.Count == 0 && environment(ListenVariable) is { Length: > 0 } fromEnvironment)
        {
            foreach (var item in fromEnvironment.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!TryParseListen(ListenVariable, item, out var endpoint, out error))
                {
                    return null;
                }

                endpoints.Add(endpoint);
            }
        }

        if (adminListen is null && environment(AdminListenVariable) is { Length: > 0 } admin
            && !TryParseListen(AdminListenVariable, admin, out adminListen, out error, AdminOptions.DefaultListen.Port))
        {
            return null;
        }

        stateFile ??= environment(StateFileVariable) is { Length: > 0 } state ? state : null;
        return new CommandLine(ConfigPathOf(config, environment), endpoints, stateFile, adminListen);
    }

    /// <summary>
    /// An address and port. A bare address is refused rather than taken to mean port <paramref name="defaultPort"/>:
    /// the error shows it written with the port.
    /// </summary>
    public static bool TryParseListen(string option, string text, out IPEndPoint endpoint, out string? error, int defaultPort = ConfigLoader.DefaultPort)
    {
        error = null;
        if (AddressText.TryParseEndpointWithPort(text, out endpoint))
        {
            return true;
        }

        error = AddressText.TryParseEndpoint(text, defaultPort, out var withDefault)
            ? $"{option}: '{text}' has no port; write the address with its port, e.g. {withDefault} (for IPv6, in brackets: [::1]:{defaultPort})"
            : $"{option}: '{text}' is not an address and port (write 127.0.0.1:{defaultPort}, or [::1]:{defaultPort} for IPv6)";
        return false;
    }

    /// <summary>The config with its listen addresses, state file and admin listen address replaced by those given here, if any.</summary>
    public FailoverDnsConfig Apply(FailoverDnsConfig config)
    {
        var admin = StateFile is null ? config.Admin : config.Admin with { StateFile = Path.GetFullPath(StateFile) };
        return config with
        {
            Listen = Listen.Count == 0 ? config.Listen : [.. Listen.Select(e => new ListenEndpoint(e.Address, e.Port, true, true, new SourceLocation("--listen", 1, 1)))],
            Admin = AdminListen is null ? admin : admin with { Listen = AdminListen },
        };
    }
}
