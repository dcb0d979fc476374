using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FailoverDns.Protocol;

namespace FailoverDns.Server.Tests.Support;

/// <summary>
/// Another DNS server (Knot, NSD, Unbound, BIND) run in the foreground for a test: started, waited for
/// until it answers on its port, and stopped by the PID it was started with (with the children it
/// forked, as NSD does).
/// </summary>
internal sealed class Daemon : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private Daemon(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output => string.Join('\n', _output);

    /// <summary>Starts <paramref name="file"/> and returns once it answers <paramref name="probe"/> on 127.0.0.1:<paramref name="port"/>.</summary>
    public static async Task<Daemon> StartAsync(string file, string package, int port, string probe, params string[] arguments)
    {
        Process process;
        try
        {
            process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{file} is not installed: run .ci/run (it installs the {package} package)", e);
        }

        var daemon = new Daemon(process);
        using var client = new UdpClient(AddressFamily.InterNetwork);
        var query = Queries.Build(probe, RecordType.SOA);
        var clock = Stopwatch.StartNew();
        for (var attempt = 0; attempt < 200 && clock.Elapsed < TimeSpan.FromSeconds(20) && !process.HasExited; attempt++)
        {
            if (await UdpExchange.TryAsync(client, new IPEndPoint(IPAddress.Loopback, port), query, TimeSpan.FromMilliseconds(100)) is not null)
            {
                return daemon;
            }
        }

        await daemon.DisposeAsync();
        throw new InvalidOperationException($"{file} did not answer on port {port}:\n{daemon.Output}");
    }

    /// <summary>knotd serving <paramref name="zoneFile"/> as <paramref name="zone"/> on 127.0.0.1:<paramref name="port"/>, its files in <paramref name="directory"/>.</summary>
    public static Task<Daemon> StartKnotAsync(string directory, int port, string zone, string zoneFile, bool allowTransfer = false)
    {
        Directory.CreateDirectory(Path.Combine(directory, "db"));
        var config = Path.Combine(directory, "knot.conf");
        File.WriteAllText(config, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"""
            server:
                rundir: "{directory}"
                listen: 127.0.0.1@{port}
            log:
              - target: stderr
                any: warning
            database:
                storage: "{directory}/db"
            acl:
              - id: transfer
                address: 127.0.0.1
                action: transfer
            zone:
              - domain: {zone}
                file: "{zoneFile}"
                journal-content: none
                zonefile-sync: -1{(allowTransfer ? "\n    acl: transfer" : "")}
            """));
        return StartAsync("knotd", "knot", port, zone, "-c", config);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(deadline.Token);
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }
}
