using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FailoverDns.Configuration;
using FailoverDns.Server.Admin;

namespace FailoverDns.Server.Hosting.Cli;

/// <summary>
/// The operator's commands, each a call to the running server's admin API: <c>status</c>, <c>override set|clear</c>,
/// <c>reload</c>, <c>explain</c>. Tables for people; <c>--json</c> prints the API's JSON as it is.
/// </summary>
internal static class AdminCommands
{
    public const string Usage = """
        usage: failoverdns status
               failoverdns override set CHECK --state healthy|unhealthy [--reason TEXT] [--until TIME | --for DURATION]
               failoverdns override clear CHECK
               failoverdns reload
               failoverdns explain NAME [TYPE]
        each with [--admin URL] [--token TOKEN] [--config FILE] [--json]
        """;

    public static IEnumerable<Command> Create(CliContext context)
    {
        yield return Status(context);
        yield return Override(context);
        yield return Reload(context);
        yield return Explain(context);
    }

    /// <summary>The options every admin command takes, and the client they make.</summary>
    private sealed class Connection
    {
        private readonly Option<string> _admin = new("--admin")
        {
            HelpName = "URL",
            Description = $"The admin API (default: ${CommandLine.AdminListenVariable}, else the config's admin.listen, else http://127.0.0.1:8053)",
        };

        private readonly Option<string> _token = new("--token")
        {
            HelpName = "TOKEN",
            Description = $"The admin API's bearer token (default: ${AdminOptions.TokenVariable}, else the config's admin.token)",
        };

        private readonly Option<string> _config = new("--config")
        {
            HelpName = "FILE",
            Description = $"The config file, for admin.listen and admin.token (default: ${CommandLine.ConfigVariable}, else {CommandLine.DefaultConfig})",
        };

        private readonly Option<bool> _json = new("--json") { Description = "Print the API's JSON as it is" };

        public Connection(Command command)
        {
            command.Add(_admin);
            command.Add(_token);
            command.Add(_config);
            command.Add(_json);
        }

        public bool Json(ParseResult result) => result.GetValue(_json);

        /// <summary>The client, or null when the admin API's address is wrong (said on standard error).</summary>
        public AdminClient? Client(ParseResult result, CliContext context)
        {
            var (address, token) = AdminClient.Resolve(result.GetValue(_admin), result.GetValue(_token), result.GetValue(_config), context.Environment, out var problem);
            if (address is null)
            {
                context.Error.WriteLine($"failoverdns: {problem}");
                return null;
            }

            return new AdminClient(address, token, context);
        }
    }

    private static Command Status(CliContext context)
    {
        var command = new Command("status", "Show each failover set with what it serves and why, and each health check with its state, last result and reason");
        var connection = new Connection(command);
        command.SetAction(async (result, _) =>
        {
            using var client = connection.Client(result, context);
            if (client is null || await client.SendAsync(HttpMethod.Get, "/api/records") is not { } records
                || await client.SendAsync(HttpMethod.Get, "/api/health-checks") is not { } checks)
            {
                return CliRunner.Failed;
            }

            if (connection.Json(result))
            {
                await context.Output.WriteLineAsync($$"""{"records": {{records.Body}}, "healthChecks": {{checks.Body}}}""");
                return 0;
            }

            var sets = Read(records.Body, AdminJsonContext.Api.IReadOnlyListRecordSetView);
            var health = Read(checks.Body, AdminJsonContext.Api.IReadOnlyListHealthCheckView);
            Table(context.Output, ["FAILOVER SET", "TYPE", "TTL", "SERVING", "REASON"],
                sets.Select(s => new[] { s.Name, s.Type, (s.ServedTtl ?? s.Ttl).ToString(CultureInfo.InvariantCulture), s.Serving, s.Reason }), "no failover sets");
            await context.Output.WriteLineAsync();
            Table(context.Output, ["HEALTH CHECK", "STATE", "PROBED", "SINCE", "LAST RESULT", "REASON"],
                health.Select(c => new[] { c.Name, c.Status, c.ProbedStatus, Time(c.Since), LastResult(c.LastResult), CheckReason(c) }), "no health checks");
            return 0;
        });
        return command;
    }

    private static Command Override(CliContext context)
    {
        var group = new Command("override", "Force a health check healthy or unhealthy, or clear that");

        var check = new Argument<string>("CHECK") { Description = "The health check's name" };
        var state = new Option<string>("--state") { HelpName = "healthy|unhealthy", Description = "The state to force", Required = true };
        state.Validators.Add(result =>
        {
            var given = result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
            if (given is not (null or "healthy" or "unhealthy"))
            {
                result.AddError($"--state must be healthy or unhealthy, not '{given}'");
            }
        });
        var reason = new Option<string>("--reason") { HelpName = "TEXT", Description = "Why: logged, kept and shown with the check (one line, at most 200 characters)" };
        var until = new Option<DateTimeOffset?>("--until")
        {
            HelpName = "TIME",
            Description = "When the override ends, e.g. 2026-12-01T06:00:00Z (UTC unless it says otherwise; default: when cleared)",
            CustomParser = result =>
            {
                var text = result.Tokens.Single().Value;
                if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
                {
                    return time;
                }

                result.AddError($"--until: '{text}' is not a time (write e.g. 2026-12-01T06:00:00Z)");
                return null;
            },
        };
        var duration = new Option<TimeSpan?>("--for")
        {
            HelpName = "DURATION",
            Description = "How long the override lasts from now, e.g. 30m, 2h or 1h30m",
            CustomParser = result =>
            {
                var text = result.Tokens.Single().Value;
                if (DurationParser.TryParse(text, out var span) && span > TimeSpan.Zero)
                {
                    return span;
                }

                result.AddError($"--for: '{text}' is not a duration (write e.g. 30m, 2h or 1h30m)");
                return null;
            },
        };
        var set = new Command("set", "Force CHECK healthy or unhealthy, until a time, for a while, or until cleared") { check, state, reason, until, duration };
        set.Validators.Add(result =>
        {
            if (result.GetResult(until) is not null && result.GetResult(duration) is not null)
            {
                result.AddError("give --until or --for, not both");
            }
        });
        var setConnection = new Connection(set);
        set.SetAction(async (result, _) =>
        {
            using var client = setConnection.Client(result, context);
            var end = result.GetValue(until) ?? (result.GetValue(duration) is { } span ? DateTimeOffset.UtcNow + span : null);
            var body = JsonSerializer.Serialize(new OverrideRequest(result.GetValue(state), end?.ToUniversalTime(), result.GetValue(reason)), AdminJsonContext.Api.OverrideRequest);
            var name = result.GetRequiredValue(check);
            if (client is null || await client.SendAsync(HttpMethod.Put, $"/api/health-checks/{Uri.EscapeDataString(name)}/override", body) is not { } answer)
            {
                return CliRunner.Failed;
            }

            await context.Output.WriteLineAsync(setConnection.Json(result) ? answer.Body : CheckLine(Read(answer.Body, AdminJsonContext.Api.HealthCheckView)));
            return 0;
        });

        var clearCheck = new Argument<string>("CHECK") { Description = "The health check's name" };
        var clear = new Command("clear", "Clear CHECK's override: its probes decide again") { clearCheck };
        var clearConnection = new Connection(clear);
        clear.SetAction(async (result, _) =>
        {
            using var client = clearConnection.Client(result, context);
            var name = result.GetRequiredValue(clearCheck);
            if (client is null || await client.SendAsync(HttpMethod.Delete, $"/api/health-checks/{Uri.EscapeDataString(name)}/override") is not { } answer)
            {
                return CliRunner.Failed;
            }

            await context.Output.WriteLineAsync(clearConnection.Json(result) ? answer.Body : CheckLine(Read(answer.Body, AdminJsonContext.Api.HealthCheckView)));
            return 0;
        });

        group.Add(set);
        group.Add(clear);
        return group;
    }

    private static Command Reload(CliContext context)
    {
        var command = new Command("reload", "Reload the config now (as SIGHUP does) and say whether it is served");
        var connection = new Connection(command);
        command.SetAction(async (result, _) =>
        {
            using var client = connection.Client(result, context);
            if (client is null || await client.SendAsync(HttpMethod.Post, "/api/reload", alsoUsable: HttpStatusCode.UnprocessableEntity) is not { } answer)
            {
                return CliRunner.Failed;
            }

            var outcome = Read(answer.Body, AdminJsonContext.Api.ReloadOutcome);
            if (connection.Json(result))
            {
                await context.Output.WriteLineAsync(answer.Body);
            }
            else if (outcome.Succeeded)
            {
                await context.Output.WriteLineAsync($"reloaded at {Time(outcome.At)}: the config is served");
            }
            else
            {
                await context.Error.WriteLineAsync($"failoverdns: reload rejected at {Time(outcome.At)}: {outcome.ErrorCount} error(s); still serving the previous config");
                foreach (var error in outcome.Errors)
                {
                    await context.Error.WriteLineAsync(error);
                }
            }

            return outcome.Succeeded ? 0 : CliRunner.Failed;
        });
        return command;
    }

    private static Command Explain(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The name asked, e.g. app.example.com" };
        var type = new Argument<string>("TYPE") { Arity = ArgumentArity.ZeroOrOne, DefaultValueFactory = _ => "A", Description = "The record type asked (default: A)" };
        var command = new Command("explain", "Show the answer the server gives now to NAME TYPE, and why") { name, type };
        var connection = new Connection(command);
        command.SetAction(async (result, _) =>
        {
            using var client = connection.Client(result, context);
            var query = $"/api/explain?name={Uri.EscapeDataString(result.GetRequiredValue(name))}&type={Uri.EscapeDataString(result.GetValue(type) ?? "A")}";
            if (client is null || await client.SendAsync(HttpMethod.Get, query) is not { } answer)
            {
                return CliRunner.Failed;
            }

            if (connection.Json(result))
            {
                await context.Output.WriteLineAsync(answer.Body);
                return 0;
            }

            var view = Read(answer.Body, AdminJsonContext.Api.ExplainView);
            var flags = string.Join(", ", new[] { view.Authoritative ? "authoritative" : null, view.Truncated ? "truncated" : null }.OfType<string>());
            await context.Output.WriteLineAsync($"{view.Name} {view.Type}: {view.Rcode}{(flags.Length == 0 ? "" : ", " + flags)}");
            foreach (var (section, records) in new[] { ("answer", view.Answer), ("authority", view.Authority), ("additional", view.Additional) })
            {
                if (records.Count > 0)
                {
                    await context.Output.WriteLineAsync($"{section}:");
                    foreach (var record in records)
                    {
                        await context.Output.WriteLineAsync($"  {record}");
                    }
                }
            }

            await context.Output.WriteLineAsync("why:");
            foreach (var step in view.Reasoning)
            {
                await context.Output.WriteLineAsync($"  {step}");
            }

            return 0;
        });
        return command;
    }

    private static T Read<T>(string json, JsonTypeInfo<T> type) => JsonSerializer.Deserialize(json, type)!;

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string LastResult(ProbeResultView? result) => result is null
        ? "none yet"
        : FormattableString.Invariant($"{(result.Ok ? "ok" : "failed")} {result.At.UtcDateTime:HH:mm:ss}Z, {result.LatencyMs:0} ms{(result.StatusCode is { } status ? $", HTTP {status}" : "")}");

    private static string CheckReason(HealthCheckView check) => check switch
    {
        { Override: { } o } => $"override{(o.Until is { } until ? $" until {Time(until)}" : "")}{(o.Reason.Length == 0 ? "" : ": " + o.Reason)}",
        { Disabled: true } => "disabled",
        { FlapDampedSince: { } since } => $"flapping: held unhealthy since {Time(since)}",
        { LastResult: { Ok: false } failed } => failed.Failure is null ? failed.Detail : $"{failed.Failure}: {failed.Detail}",
        _ => "",
    };

    /// <summary>A check after an override change, on one line.</summary>
    private static string CheckLine(HealthCheckView check) =>
        $"{check.Name}: {check.Status}{(check.Override is null ? " (no override)" : $" by {CheckReason(check)}")}; probes say {check.ProbedStatus}";

    /// <summary>Columns padded to their widest cell, the last one not.</summary>
    private static void Table(TextWriter output, string[] headers, IEnumerable<string[]> rows, string empty)
    {
        var all = rows.ToList();
        if (all.Count == 0)
        {
            output.WriteLine(empty);
            return;
        }

        all.Insert(0, headers);
        var widths = headers.Select((_, i) => all.Max(r => r[i].Length)).ToArray();
        foreach (var row in all)
        {
            output.WriteLine(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        }
    }
}
