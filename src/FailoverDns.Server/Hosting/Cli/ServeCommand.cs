using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;
using FailoverDns.Configuration;
using FailoverDns.Server.Lifecycle;
using FailoverDns.Server.Reload;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FailoverDns.Server.Hosting.Cli;

/// <summary>The options of a serving run, as System.CommandLine parses them; <see cref="CommandLine"/> adds the environment's.</summary>
internal sealed class ServeOptions
{
    public Option<string> Config { get; } = new("--config")
    {
        HelpName = "FILE",
        Description = $"The config file (default: ${CommandLine.ConfigVariable}, else {CommandLine.DefaultConfig})",
    };

    public Option<IPEndPoint[]> Listen { get; } = new("--listen")
    {
        HelpName = "ADDR:PORT",
        Description = $"Answer DNS on ADDR:PORT instead of the config's listen addresses; repeat it for more (default: ${CommandLine.ListenVariable}, comma-separated)",
        CustomParser = result => [.. Endpoints(result, "--listen", ConfigLoader.DefaultPort)],
    };

    public Option<string> StateFile { get; } = new("--state-file")
    {
        HelpName = "FILE",
        Description = $"Keep overrides in FILE instead of admin.stateFile (default: ${CommandLine.StateFileVariable})",
    };

    public Option<IPEndPoint> AdminListen { get; } = new("--admin-listen")
    {
        HelpName = "ADDR:PORT",
        Description = $"Serve the admin API on ADDR:PORT instead of admin.listen, turning it on if the config turns it off (default: ${CommandLine.AdminListenVariable})",
        CustomParser = result => Endpoints(result, "--admin-listen", AdminOptions.DefaultListen.Port).SingleOrDefault(),
    };

    public void AddTo(Command command)
    {
        command.Add(Config);
        command.Add(Listen);
        command.Add(StateFile);
        command.Add(AdminListen);
    }

    public CommandLine? Read(ParseResult result, Func<string, string?> environment, out string? error) =>
        CommandLine.From(result.GetValue(Config), result.GetValue(Listen) ?? [], result.GetValue(StateFile), result.GetValue(AdminListen), environment, out error);

    private static List<IPEndPoint> Endpoints(ArgumentResult result, string option, int defaultPort)
    {
        var endpoints = new List<IPEndPoint>();
        foreach (var token in result.Tokens)
        {
            if (!CommandLine.TryParseListen(option, token.Value, out var endpoint, out var error, defaultPort))
            {
                result.AddError(error!);
                return [];
            }

            endpoints.Add(endpoint);
        }

        return endpoints;
    }
}

/// <summary><c>failoverdns [--config FILE] [--listen ADDR:PORT]... [--state-file FILE] [--admin-listen ADDR:PORT]</c>: serve.</summary>
internal static class ServeCommand
{
    public const string Usage = """
        usage: failoverdns [--config FILE] [--listen ADDR:PORT]... [--state-file FILE] [--admin-listen ADDR:PORT]
               failoverdns validate FILE | healthcheck [URL] | version | help [COMMAND]
               failoverdns dnssec keygen|ds ZONE [...]
               failoverdns import route53 --record-sets FILE --health-checks FILE [...]
               failoverdns status | override set|clear CHECK | reload | explain NAME [TYPE]   [--admin URL] [--token TOKEN] [--json]
        """;

    /// <summary>The root command: with no command it serves.</summary>
    public static Command Create(CliContext context)
    {
        var options = new ServeOptions();
        var version = new Option<bool>("--version") { Description = "Print the version and exit" };
        var root = new Command("failoverdns", "FailoverDns, an authoritative DNS server that fails over on health checks. With no command, it serves the zones in the config file.");
        options.AddTo(root);
        root.Add(version);
        root.SetAction((result, _) => result.GetValue(version)
            ? Task.FromResult(ToolCommands.PrintVersion(context))
            : ServeAsync(result, options, context));
        return root;
    }

    private static async Task<int> ServeAsync(ParseResult result, ServeOptions options, CliContext context)
    {
        var commandLine = options.Read(result, context.Environment, out var usageError);
        if (commandLine is null)
        {
            return CliRunner.Usage(context, usageError!);
        }

        var path = commandLine.ConfigPath;
        var loading = System.Diagnostics.Stopwatch.StartNew();
        var loaded = ConfigLoader.Load(path);
        if (!loaded.Succeeded)
        {
            await context.Error.WriteLineAsync($"failoverdns: {path} is not valid; not starting:");
            foreach (var error in loaded.ErrorLines)
            {
                await context.Error.WriteLineAsync(error);
            }

            return CliRunner.Failed;
        }

        IHost host;
        try
        {
            host = FailoverDnsHost.Build(commandLine.Apply(loaded.Config!), loaded.Snapshot!, new ConfigSource(path, commandLine.Apply));
        }
        catch (StartupException e)
        {
            await context.Error.WriteLineAsync($"failoverdns: {e.Message}");
            return CliRunner.Failed;
        }

        using (host)
        {
            var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("FailoverDns");
            ConfigLog.Starting(logger, CliRunner.Version);
            ConfigLog.Serving(logger, "Loaded", path, "start-up", loaded.Summary, loading.ElapsedMilliseconds);
            try
            {
                await host.RunAsync();
                return 0;
            }
            catch (StartupException e)
            {
                await context.Error.WriteLineAsync($"failoverdns: {e.Message}");
                return CliRunner.Failed;
            }
        }
    }
}
