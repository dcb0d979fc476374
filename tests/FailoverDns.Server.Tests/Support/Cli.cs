namespace FailoverDns.Server.Tests.Support;

/// <summary>The failoverdns command run in this process (<see cref="Program.RunAsync"/>), with an environment of its own.</summary>
internal static class Cli
{
    public static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string>(), args);

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await Program.RunAsync(args, name => environment.GetValueOrDefault(name), output, error);
        return (exitCode, output.ToString().ReplaceLineEndings("\n").TrimEnd('\n'), error.ToString().ReplaceLineEndings("\n").TrimEnd('\n'));
    }
}
