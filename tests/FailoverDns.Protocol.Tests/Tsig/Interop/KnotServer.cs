using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FailoverDns.Testing;

namespace FailoverDns.Protocol.Tests.Tsig.Interop;

/// <summary>
/// knotd serving one zone on a free loopback port, with TSIG keys allowed to transfer it; its files in
/// a temp directory. Started, waited for until it answers, and stopped by the PID it was started with.
/// </summary>
internal sealed class KnotServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _directory;
    private readonly ConcurrentQueue<string> _output = new();

    private KnotServer(Process process, TempDirectory directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Port { get; }

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    public string Output => string.Join('\n', _output);

    public static async Task<KnotServer> StartAsync(string zone, string zoneText, params KeyText[] keys)
    {
        var directory = new TempDirectory();
        var port = FreePort.Next();
        var zoneFile = directory.Write("zone.db", zoneText);
        Directory.CreateDirectory(Path.Combine(directory.Path, "db"));
        var keyLines = string.Concat(keys.Select(k => string.Create(CultureInfo.InvariantCulture, $"""

              - id: {k.Name}
                algorithm: {k.Algorithm}
                secret: {k.Secret}
            """)));
        var keyIds = string.Join(", ", keys.Select(k => k.Name));
        var config = directory.Write("knot.conf", string.Create(CultureInfo.InvariantCulture, $"""
            server:
                rundir: "{directory.Path}"
                listen: 127.0.0.1@{port}
            log:
              - target: stderr
                any: info
            database:
                storage: "{directory.Path}/db"
            key:{keyLines}
            acl:
              - id: transfer
                key: [{keyIds}]
                action: transfer
            zone:
              - domain: {zone}
                file: "{zoneFile}"
                journal-content: none
                zonefile-sync: -1
                acl: transfer
            """));

        Process process;
        try
        {
            process = Process.Start(new ProcessStartInfo("knotd", ["-c", config]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            directory.Dispose();
            throw new InvalidOperationException("knotd is not installed: run .ci/run (it installs the knot package)", e);
        }

        var server = new KnotServer(process, directory, port);
        if (await server.AnswersAsync(zone))
        {
            return server;
        }

        await server.DisposeAsync();
        throw new InvalidOperationException($"knotd did not answer on port {port}:\n{server.Output}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(deadline.Token);
        }

        _process.Dispose();
        _directory.Dispose();
    }

    /// <summary>Polls with an unsigned SOA query until knotd has loaded the zone (bounded: 200 tries, 20 s).</summary>
    private async Task<bool> AnswersAsync(string zone)
    {
        using var client = new UdpClient(AddressFamily.InterNetwork);
        var query = TsigTestMessages.Query(id: 7, name: zone);
        var clock = Stopwatch.StartNew();
        for (var attempt = 0; attempt < 200 && clock.Elapsed < TimeSpan.FromSeconds(20) && !_process.HasExited; attempt++)
        {
            await client.SendAsync(query, EndPoint);
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
            try
            {
                var reply = (await client.ReceiveAsync(wait.Token)).Buffer;
                if (reply.Length > 3 && (reply[3] & 0xF) == 0 && reply[7] > 0)
                {
                    return true; // NOERROR with an answer: the zone is loaded
                }

                await Task.Delay(50);
            }
            catch (OperationCanceledException)
            {
                // No answer yet.
            }
        }

        return false;
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }
}
