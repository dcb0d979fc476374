using System.Diagnostics;

namespace FailoverDns.Server.Tests.Support;

/// <summary>Runs a command-line tool (dig, kdig, nslookup, knotd) with a hard deadline.</summary>
internal static class Tool
{
    /// <summary>The Debian package of each tool the tests run, so a missing tool fails naming what to install.</summary>
    private static readonly Dictionary<string, string> Packages = new(StringComparer.Ordinal)
    {
        ["dig"] = "bind9-dnsutils",
        ["delv"] = "bind9-dnsutils",
        ["kdig"] = "knot-dnsutils",
        ["knotd"] = "knot",
        ["unbound"] = "unbound",
        ["unbound-control"] = "unbound",
        ["dnssec-keygen"] = "bind9-utils",
        ["dnssec-signzone"] = "bind9-utils",
        ["dnssec-dsfromkey"] = "bind9-utils",
        ["dnssec-verify"] = "bind9-utils",
    };

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
            var package = Packages.GetValueOrDefault(file, "the package that has it");
            throw new InvalidOperationException($"'{file}' is not installed: run .ci/run (it installs every package the tests use) or apt-get install {package}", e);
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

    /// <summary>
    /// The zone as text, one record a line, transferred by AXFR from 127.0.0.1:<paramref name="port"/>:
    /// what <see cref="DnssecVerify"/> checks. Throws when the transfer fails rather than returning a partial zone.
    /// </summary>
    public static async Task<string> AxfrAsync(int port, string zone)
    {
        var (exitCode, output) = await RunAsync("kdig", "@127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "+time=5", "+retry=0", zone, "AXFR", "+nocomments", "+nostats");
        if (exitCode != 0 || output.Contains("; Transfer failed", StringComparison.Ordinal) || !output.Contains("\tSOA\t", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"AXFR of {zone} from port {port} failed ({exitCode}): {output}");
        }

        return output;
    }
}
