using FailoverDns.Configuration;
using FailoverDns.Server.Hosting;
using FailoverDns.Server.Lifecycle;
using FailoverDns.Server.Reload;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FailoverDns.Server;

public static class Program
{
    private const string Usage = """
        usage: failoverdns [--config FILE] [--listen ADDR:PORT]... [--state-file FILE]   serve the zones in FILE
               failoverdns validate FILE       check FILE and print every error as file:line:col: message
               failoverdns healthcheck [URL]   exit 0 when URL (default http://127.0.0.1:8053/healthz) answers 200
               failoverdns dnssec keygen ZONE [--config FILE] [--key-directory DIR] [--algorithm 13|14]
                                               create the zone's signing key (BIND's K*.key and K*.private) and print its DS
               failoverdns dnssec ds ZONE [--config FILE] [--key-directory DIR]
                                               print the DS records to give the parent zone
               failoverdns import route53 --record-sets FILE --health-checks FILE [--zone NAME] [--output FILE]
                                               convert the JSON the aws CLI prints into a config
        The config file defaults to $FAILOVERDNS_CONFIG, then config/failoverdns.yaml.
        dnssec commands find keys in --key-directory, else the zone's dnssec.keyDirectory in the config, else keys/ beside it.
        --listen (or $FAILOVERDNS_LISTEN, comma-separated) replaces the config's listen addresses.
        --state-file (or $FAILOVERDNS_STATE_FILE) replaces admin.stateFile, where overrides are kept.
        """;

    private const string DefaultHealthUrl = "http://127.0.0.1:8053/healthz";

    public static async Task<int> Main(string[] args)
    {
        if (args is ["--help" or "-h"])
        {
            Console.WriteLine(Usage);
            return 0;
        }

        if (args is ["validate", var file])
        {
            return Validate(file);
        }

        if (args is ["dnssec", .. var dnssec])
        {
            return DnssecCommands.Run(dnssec, Environment.GetEnvironmentVariable, Console.Out, Console.Error);
        }

        if (args is ["import", "route53", .. var import])
        {
            return Import.Route53Import.RunCommandLine(import, Console.Out, Console.Error);
        }

        if (args is ["healthcheck", .. var rest] && rest.Length <= 1)
        {
            return await HealthCheckAsync(rest.Length == 1 ? rest[0] : DefaultHealthUrl);
        }

        var commandLine = CommandLine.Parse(args, Environment.GetEnvironmentVariable, out var usageError);
        if (commandLine is null)
        {
            await Console.Error.WriteLineAsync($"failoverdns: {usageError}");
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        var path = commandLine.ConfigPath;
        var loading = System.Diagnostics.Stopwatch.StartNew();
        var loaded = ConfigLoader.Load(path);
        if (!loaded.Succeeded)
        {
            await Console.Error.WriteLineAsync($"failoverdns: {path} is not valid; not starting:");
            foreach (var error in loaded.ErrorLines)
            {
                await Console.Error.WriteLineAsync(error);
            }

            return 1;
        }

        IHost host;
        try
        {
            host = FailoverDnsHost.Build(commandLine.Apply(loaded.Config!), loaded.Snapshot!, new ConfigSource(path, commandLine.Apply));
        }
        catch (StartupException e)
        {
            await Console.Error.WriteLineAsync($"failoverdns: {e.Message}");
            return 1;
        }

        using (host)
        {
            ConfigLog.Serving(host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("FailoverDns"), "Loaded", path, "start-up", loaded.Summary, loading.ElapsedMilliseconds);
            try
            {
                await host.RunAsync();
                return 0;
            }
            catch (StartupException e)
            {
                await Console.Error.WriteLineAsync($"failoverdns: {e.Message}");
                return 1;
            }
        }
    }

    private static int Validate(string path)
    {
        var loaded = ConfigLoader.Load(path);
        foreach (var error in loaded.ErrorLines)
        {
            Console.Error.WriteLine(error);
        }

        if (!loaded.Succeeded)
        {
            return 1;
        }

        var snapshot = loaded.Snapshot!;
        Console.WriteLine($"{path}: OK, {snapshot.Zones.Count} zone(s), {snapshot.Zones.Sum(z => z.RecordCount)} record(s), {snapshot.FailoverSets.Count} failover set(s), {loaded.Config!.HealthChecks.Count} health check(s)");
        return 0;
    }

    /// <summary>The container's HEALTHCHECK: the image has no curl, but it has this program.</summary>
    private static async Task<int> HealthCheckAsync(string url)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await client.GetAsync(new Uri(url));
            Console.WriteLine($"{url}: HTTP {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or UriFormatException)
        {
            await Console.Error.WriteLineAsync($"{url}: {e.Message}");
            return 1;
        }
    }
}
