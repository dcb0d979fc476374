using System.Diagnostics;

namespace FailoverDns.Server.Tests.Support;

/// <summary>Runs a command-line tool (dig, kdig, nslookup, knotd) with a hard deadline.</summary>
internal static class Tool
{
    public static Task<(int ExitCode, string Output)> RunAsync(string file, params string[] arguments) =>
        RunAsync(file, new Dictionary<string, string>(), TimeSpan.FromSeconds(20), arguments);

    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IReadOnlyDictionary<string, string> environment, TimeSpan limit, params string[] arguments)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"'{file}' is not installed: run .ci/run (it installs every package the tests use) or apt-get install it", e);
        }

        using (process)
        {
            using var deadline = new CancellationTokenSource(limit);
            var output = process.StandardOutput.ReadToEndAsync(deadline.Token);
            var error = process.StandardError.ReadToEndAsync(deadline.Token);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish in {limit.TotalSeconds} s");
            }

            return (process.ExitCode, await output + await error);
        }
    }

    public static async Task<string> DigAsync(int port, params string[] arguments)
    {
        var (exitCode, output) = await RunAsync("dig", ["@127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "+time=2", "+tries=1", .. arguments]);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"dig failed ({exitCode}): {output}");
        }

        return output;
    }
}
