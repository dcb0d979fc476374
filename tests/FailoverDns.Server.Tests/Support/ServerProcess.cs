using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Support;

/// <summary>
/// failoverdns as its own process (the way users and the container run it): output captured line by
/// line, stopped with SIGTERM by its PID (SIGKILL if it does not stop), never left running.
/// </summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private ServerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.ErrorDataReceived += (_, e) => Add(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The build of the server next to the tests.</summary>
    public static string BuiltAssembly => Path.Combine(AppContext.BaseDirectory, "failoverdns.dll");

    public int Id => _process.Id;

    public IReadOnlyList<string> Lines => [.. _lines];

    public bool HasExited => _process.HasExited;

    public static ServerProcess Start(string assembly, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(assembly)!,
        };
        start.ArgumentList.Add(assembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return new ServerProcess(Process.Start(start)!);
    }

    /// <summary>Runs to completion (a command such as <c>validate</c>) and returns the exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string assembly, params string[] arguments)
    {
        await using var process = Start(assembly, arguments);
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(30));
        return (exitCode, string.Join('\n', process.Lines));
    }

    /// <summary>The first output line matching <paramref name="pattern"/>, waiting up to 30 s for it.</summary>
    public async Task<Match> WaitForLineAsync(Regex pattern)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            foreach (var line in _lines)
            {
                if (pattern.Match(line) is { Success: true } match)
                {
                    return match;
                }
            }

            if (_process.HasExited)
            {
                await Task.Delay(100); // the last lines may still be on their way
                return _lines.Select(l => pattern.Match(l)).FirstOrDefault(m => m.Success)
                    ?? throw new InvalidOperationException($"failoverdns exited ({_process.ExitCode}) without printing /{pattern}/:\n{string.Join('\n', _lines)}");
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"no line /{pattern}/ within 30 s:\n{string.Join('\n', _lines)}");
    }

    /// <summary>The UDP port the server bound, read from its "Listening on UDP address:port" line.</summary>
    public async Task<int> UdpPortAsync() => int.Parse((await WaitForLineAsync(ListeningUdp())).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Sends a signal to this process (by its PID) with kill(1).</summary>
    public async Task SignalAsync(string signal) =>
        (await Tool.RunAsync("kill", $"-{signal}", Id.ToString(System.Globalization.CultureInfo.InvariantCulture))).ExitCode.Should().Be(0);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(deadline.Token);
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
        }
    }

    [GeneratedRegex(@"Listening on UDP [^ ]+:(\d+) ")]
    private static partial Regex ListeningUdp();
}
