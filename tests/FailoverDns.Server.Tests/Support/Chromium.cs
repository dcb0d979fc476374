using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FailoverDns.Server.Tests.Support;

/// <summary>
/// Headless Chromium (the Debian package <c>chromium</c>) driven over the Chrome DevTools Protocol on
/// a plain WebSocket: one page, navigated, read with JavaScript, and photographed. Started with a
/// temporary profile, stopped by its PID (with the renderers it forked), the profile deleted; every
/// wait is bounded, so a browser that hangs fails the test instead of the run.
/// </summary>
internal sealed class Chromium : IAsyncDisposable
{
    public const string Binary = "/usr/bin/chromium";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(15);

    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private int _nextId;

    private Chromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>Starts a browser showing about:blank and attaches to that page.</summary>
    public static async Task<Chromium> StartAsync()
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is not installed: run .ci/run (it installs the chromium package)");
        }

        var profile = Directory.CreateTempSubdirectory("failoverdns-chromium-").FullName;
        var start = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])[
            "--headless=new", "--remote-debugging-port=0", $"--user-data-dir={profile}", "--no-sandbox",
            "--disable-gpu", "--no-proxy-server", "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
            "--disable-extensions", "--disable-sync", "--disable-component-update", "--mute-audio",
            "--window-size=1280,900", "about:blank"])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var browser = new Chromium(process, profile);
        try
        {
            await browser.AttachAsync();
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>Loads <paramref name="url"/> and waits (bounded) until the document has loaded.</summary>
    public async Task NavigateAsync(string url)
    {
        await SendAsync("Page.navigate", new JsonObject { ["url"] = url });
        await Poll.UntilAsync(() => EvaluateAsync<string>("document.readyState"), state => state == "complete", $"the page {url} to load", TimeSpan.FromSeconds(15));
    }

    /// <summary>Runs <paramref name="expression"/> in the page (awaiting a promise) and returns its value.</summary>
    public async Task<T> EvaluateAsync<T>(string expression)
    {
        var reply = await SendAsync("Runtime.evaluate", new JsonObject
        {
            ["expression"] = expression,
            ["returnByValue"] = true,
            ["awaitPromise"] = true,
        });
        if (reply["exceptionDetails"] is { } exception)
        {
            throw new InvalidOperationException($"the page threw evaluating {expression}: {exception.ToJsonString()}");
        }

        var value = reply["result"]?["value"];
        return value is null ? default! : value.Deserialize<T>()!;
    }

    /// <summary>A PNG of the whole page (the viewport stretched to its height), written to <paramref name="path"/>.</summary>
    public async Task ScreenshotAsync(string path)
    {
        var height = await EvaluateAsync<int>("Math.ceil(document.documentElement.scrollHeight)");
        await SendAsync("Emulation.setDeviceMetricsOverride", new JsonObject
        {
            ["width"] = 1280,
            ["height"] = Math.Clamp(height, 200, 8000),
            ["deviceScaleFactor"] = 1,
            ["mobile"] = false,
        });
        var shot = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png" });
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, Convert.FromBase64String(shot["data"]!.GetValue<string>()));
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(exited.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _process.Dispose();

        // Chromium's last writes to the profile can trail its exit by a moment.
        for (var attempt = 0; attempt < 20 && Directory.Exists(_profile); attempt++)
        {
            try
            {
                Directory.Delete(_profile, recursive: true);
            }
            catch (IOException)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Reads the port from DevToolsActivePort, finds the page's target, and opens its WebSocket.</summary>
    private async Task AttachAsync()
    {
        var portFile = Path.Combine(_profile, "DevToolsActivePort");
        await Poll.UntilAsync(() => _process.HasExited || (File.Exists(portFile) && File.ReadAllText(portFile).Contains('\n', StringComparison.Ordinal)), "chromium to write DevToolsActivePort", StartTimeout);
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"chromium exited with code {_process.ExitCode} before it listened for DevTools");
        }

        var port = int.Parse(File.ReadAllLines(portFile)[0], System.Globalization.CultureInfo.InvariantCulture);
        using var http = new HttpClient(new HttpClientHandler { UseProxy = false }) { Timeout = CommandTimeout };
        var page = await Poll.UntilAsync(
            async () => JsonNode.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/json/list")))!.AsArray()
                .FirstOrDefault(target => target?["type"]?.GetValue<string>() == "page"),
            target => target is not null,
            "chromium's page target",
            StartTimeout);
        using var connect = new CancellationTokenSource(CommandTimeout);
        await _socket.ConnectAsync(new Uri(page!["webSocketDebuggerUrl"]!.GetValue<string>()), connect.Token);
    }

    /// <summary>Sends one command and returns its result, skipping the events that arrive meanwhile.</summary>
    private async Task<JsonNode> SendAsync(string method, JsonObject parameters)
    {
        var id = Interlocked.Increment(ref _nextId);
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        using var timeout = new CancellationTokenSource(CommandTimeout);
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        while (true)
        {
            var reply = JsonNode.Parse(await ReceiveAsync(timeout.Token))!;
            if (reply["id"]?.GetValue<int>() != id)
            {
                continue;
            }

            return reply["error"] is { } error
                ? throw new InvalidOperationException($"chromium refused {method}: {error.ToJsonString()}")
                : reply["result"]!;
        }
    }

    private async Task<string> ReceiveAsync(CancellationToken cancellation)
    {
        using var text = new MemoryStream();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var received = await _socket.ReceiveAsync(buffer, cancellation);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException("chromium closed the DevTools connection");
            }

            text.Write(buffer, 0, received.Count);
            if (received.EndOfMessage)
            {
                return Encoding.UTF8.GetString(text.ToArray());
            }
        }
    }
}
