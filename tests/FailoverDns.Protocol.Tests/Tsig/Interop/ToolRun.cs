using System.Diagnostics;

namespace FailoverDns.Protocol.Tests.Tsig.Interop;

/// <summary>A command-line tool (kdig, dig) run to completion with a bound on how long it may take.</summary>
internal sealed record ToolRun(int ExitCode, string Output)
{
    public static async Task<ToolRun> RunAsync(string file, string package, params string[] arguments)
    {
        Process process;
        try
        {
            process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{file} is not installed: run .ci/run (it installs the {package} package)", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish in 30 s");
            }

            return new ToolRun(process.ExitCode, await stdout + await stderr);
        }
    }
}
