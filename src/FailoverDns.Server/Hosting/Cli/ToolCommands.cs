using System.CommandLine;
using FailoverDns.Configuration;

namespace FailoverDns.Server.Hosting.Cli;

/// <summary><c>version</c>, <c>validate FILE</c> and <c>healthcheck [URL]</c>: commands that need no running server, or only its /healthz.</summary>
internal static class ToolCommands
{
    public const string DefaultHealthUrl = "http://127.0.0.1:8053/healthz";

    public static int PrintVersion(CliContext context)
    {
        context.Output.WriteLine($"failoverdns {CliRunner.Version}");
        return 0;
    }

    public static Command Version(CliContext context)
    {
        var command = new Command("version", "Print the version");
        command.SetAction(_ => PrintVersion(context));
        return command;
    }

    public static Command Validate(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "The config file to check" };
        var command = new Command("validate", "Check FILE and print every error as file:line:col: message; exit 0 when it is valid") { file };
        command.SetAction(result => Validate(result.GetRequiredValue(file), context));
        return command;
    }

    public static Command HealthCheck(CliContext context)
    {
        var url = new Argument<string>("URL") { Arity = ArgumentArity.ZeroOrOne, DefaultValueFactory = _ => DefaultHealthUrl, Description = "What to ask" };
        var command = new Command("healthcheck", "Exit 0 when URL answers 200: the container's HEALTHCHECK (the image has no curl, but it has this program)") { url };
        command.SetAction((result, _) => HealthCheckAsync(result.GetValue(url) ?? DefaultHealthUrl, context));
        return command;
    }

    private static int Validate(string path, CliContext context)
    {
        var loaded = ConfigLoader.Load(path);
        foreach (var error in loaded.ErrorLines)
        {
            context.Error.WriteLine(error);
        }

        if (!loaded.Succeeded)
        {
            return CliRunner.Failed;
        }

        var snapshot = loaded.Snapshot!;
        context.Output.WriteLine($"{path}: OK, {snapshot.Zones.Count} zone(s), {snapshot.Zones.Sum(z => z.RecordCount)} record(s), {snapshot.FailoverSets.Count} failover set(s), {loaded.Config!.HealthChecks.Count} health check(s)");
        return 0;
    }

    private static async Task<int> HealthCheckAsync(string url, CliContext context)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await client.GetAsync(new Uri(url));
            await context.Output.WriteLineAsync($"{url}: HTTP {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : CliRunner.Failed;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or UriFormatException)
        {
            await context.Error.WriteLineAsync($"{url}: {e.Message}");
            return CliRunner.Failed;
        }
    }
}
