using FailoverDns.Server.Hosting.Cli;

namespace FailoverDns.Server;

/// <summary>The failoverdns command: <see cref="CliRunner"/> has the command tree.</summary>
public static class Program
{
    public static Task<int> Main(string[] args) => RunAsync(args, Environment.GetEnvironmentVariable, Console.Out, Console.Error);

    /// <summary>Runs the command in <paramref name="args"/> as the process would, with its environment and output given (for tests).</summary>
    public static Task<int> RunAsync(IReadOnlyList<string> args, Func<string, string?> environment, TextWriter output, TextWriter error) =>
        CliRunner.RunAsync(args, new CliContext(environment, output, error));
}
