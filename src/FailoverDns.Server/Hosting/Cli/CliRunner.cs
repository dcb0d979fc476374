using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Reflection;

namespace FailoverDns.Server.Hosting.Cli;

/// <summary>What every command reads and writes: the process's environment and console, or a test's own.</summary>
internal sealed record CliContext(Func<string, string?> Environment, TextWriter Output, TextWriter Error);

/// <summary>
/// The failoverdns command tree (System.CommandLine) and how it is run: 0 done, 1 failed, 2 usage error
/// (one line naming what was wrong, then the usage of the command group, on standard error).
/// </summary>
internal static class CliRunner
{
    public const int Failed = 1;

    public const int UsageError = 2;

    /// <summary>The assembly's informational version: the <c>Version</c> in Directory.Build.props, with the commit when built from git.</summary>
    public static string Version { get; } =
        typeof(CliRunner).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>The short usage of each command group, printed after a usage error in it (the root's for the others).</summary>
    private static readonly Dictionary<string, string> Usages = new(StringComparer.Ordinal)
    {
        [""] = ServeCommand.Usage,
        ["dnssec"] = DnssecCommands.Usage,
        ["import"] = ImportCli.Usage,
        ["status"] = AdminCommands.Usage,
        ["override"] = AdminCommands.Usage,
        ["reload"] = AdminCommands.Usage,
        ["explain"] = AdminCommands.Usage,
    };

    /// <summary>The whole tree, its actions writing to <paramref name="context"/>.</summary>
    public static Command Build(CliContext context)
    {
        var root = ServeCommand.Create(context);
        root.Add(new HelpOption { Recursive = true });
        root.Add(ToolCommands.Version(context));
        root.Add(ToolCommands.Validate(context));
        root.Add(ToolCommands.HealthCheck(context));
        root.Add(DnssecCli.Create(context));
        foreach (var command in AdminCommands.Create(context))
        {
            root.Add(command);
        }

        root.Add(ImportCli.Create(context));
        root.Add(Help(root, context));
        return root;
    }

    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliContext context)
    {
        var root = Build(context);
        var result = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (result.Action is not HelpAction && result.Errors.Count > 0)
        {
            return Usage(result, context);
        }

        // The host handles SIGTERM and Ctrl+C itself: System.CommandLine must not cut it short.
        return await result.InvokeAsync(new InvocationConfiguration
        {
            Output = context.Output,
            Error = context.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        });
    }

    /// <summary>A parse error as one line: an unknown word by name, else System.CommandLine's own message.</summary>
    public static string Message(ParseResult result) =>
        result.UnmatchedTokens.Count > 0 ? $"unknown command or argument '{result.UnmatchedTokens[0]}'" : Message(result.Errors[0]);

    public static string Message(ParseError error) =>
        string.Join(' ', error.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).TrimEnd('.');

    /// <summary>Writes a usage error: the line, the command group's usage, where help is; returns <see cref="UsageError"/>.</summary>
    public static int Usage(CliContext context, string message, string group = "")
    {
        context.Error.WriteLine($"failoverdns: {message}");
        context.Error.WriteLine(Usages.GetValueOrDefault(group, ServeCommand.Usage).TrimEnd());
        context.Error.WriteLine($"Run 'failoverdns {(group.Length == 0 ? "" : group + " ")}--help' for more.");
        return UsageError;
    }

    private static int Usage(ParseResult result, CliContext context)
    {
        var group = result.CommandResult.Command;
        while (group.Parents.OfType<Command>().FirstOrDefault() is { } parent && parent.Parents.Any())
        {
            group = parent;
        }

        return Usage(context, Message(result), group == result.RootCommandResult.Command ? "" : group.Name);
    }

    /// <summary><c>help [COMMAND...]</c>: the help of that command, as <c>COMMAND --help</c> gives it.</summary>
    private static Command Help(Command root, CliContext context)
    {
        var words = new Argument<string[]>("COMMAND") { Arity = ArgumentArity.ZeroOrMore, Description = "The command to describe, e.g. 'override set'" };
        var help = new Command("help", "Show the help of failoverdns or of one of its commands") { words };
        help.SetAction(async (result, cancellation) =>
        {
            var path = result.GetValue(words) ?? [];
            var command = root;
            foreach (var word in path)
            {
                if (command.Subcommands.FirstOrDefault(c => c.Name == word || c.Aliases.Contains(word)) is not { } next)
                {
                    return Usage(context, $"no command '{string.Join(' ', path)}'");
                }

                command = next;
            }

            var again = root.Parse([.. path, "--help"]);
            return await again.InvokeAsync(new InvocationConfiguration { Output = context.Output, Error = context.Error }, cancellation);
        });
        return help;
    }
}
