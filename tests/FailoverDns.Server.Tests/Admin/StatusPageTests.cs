using System.Diagnostics;
using System.Net;
using System.Text.Json;
using FailoverDns.Health.Checks;
using FailoverDns.Health.Probes;
using FailoverDns.Health.State;
using FailoverDns.Server.Admin;
using FailoverDns.Server.Tests.Support;
using FailoverDns.Testing.Http;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace FailoverDns.Server.Tests.Admin;

/// <summary>
/// The status page at <c>GET /</c> in a real browser (headless Chromium over DevTools): it asks for the
/// token, shows what is served and the check's state, and follows a failover without a reload; and
/// the page and its API keep the admin API's token and Host rules.
/// </summary>
public sealed class StatusPageTests(ITestOutputHelper output)
{
    private const string Token = "status-page-test-token-0123456789";
    private const string Set = "www.example.test. A";
    private static readonly TimeSpan PageDeadline = TimeSpan.FromSeconds(20);

    private static string Config(int backendPort) => $$"""
        listen: [127.0.0.1:0]
        logging: { level: Warning }
        admin: { listen: 127.0.0.1:0, token: {{Token}} }
        healthChecks:
          - { name: web, type: http, target: 127.0.0.1, port: {{backendPort}}, interval: 200ms, failureThreshold: 2, recoveryThreshold: 2 }
        zones:
          - name: example.test
            soa: { email: hostmaster@example.test }
            nameservers: [ns1.example.test.]
            records:
              - { name: ns1, type: A, value: 192.0.2.53 }
            failover:
              - name: www
                type: A
                ttl: 30
                primary: { value: 10.0.0.1, healthCheck: web }
                secondary: { value: 10.0.1.1 }
        """;

    [Fact]
    public async Task StatusPage_InChromium_AsksForTokenThenFollowsFailoverWithoutReload()
    {
        var clock = Stopwatch.StartNew();
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port));
        await using var browser = await Chromium.StartAsync();
        await browser.NavigateAsync(server.Admin.BaseAddress!.ToString());

        // No token yet: the API answered 401, and the page says so and asks for it.
        await UntilAsync(browser, "!document.getElementById('token-form').hidden", "true", "the token form");
        (await browser.EvaluateAsync<string>("document.getElementById('message').textContent")).Should().Contain("needs its token (401 Unauthorized");
        (await browser.EvaluateAsync<bool>("document.getElementById('status').hidden")).Should().BeTrue("nothing is shown without the token");

        await browser.EvaluateAsync<bool>($"document.getElementById('token').value = '{Token}'; document.getElementById('token-form').requestSubmit(); true");
        (await browser.EvaluateAsync<string>("location.href")).Should().NotContain(Token, "the token never goes into the URL");
        await UntilAsync(browser, Serving, "primary [10.0.0.1]", "the primary served");
        await UntilAsync(browser, CheckState, "healthy", "the check healthy");
        (await browser.EvaluateAsync<string>(LastSwitch)).Should().Be("No switch since start-up.");

        // A mark on this document: were the page reloaded, it would be gone.
        await browser.EvaluateAsync<bool>("window.loadedOnce = true");
        await backend.StopAsync();

        await UntilAsync(browser, Serving, "secondary [10.0.1.1]", "the secondary served");
        await UntilAsync(browser, CheckState, "unhealthy", "the check unhealthy");
        var lastSwitch = await browser.EvaluateAsync<string>(LastSwitch);
        lastSwitch.Should().Contain("failover").And.Contain("now secondary [10.0.1.1], was primary [10.0.0.1] because check web:").And.Contain("connection refused");
        var timeline = await browser.EvaluateAsync<string>($"document.querySelector('[data-switch=\"{Set}\"]').textContent");
        timeline.Should().Contain("failover").And.Contain("because check web:");
        (await browser.EvaluateAsync<string>("document.querySelector('[data-check=\"web\"] .transitions').textContent")).Should().Contain("unhealthy from healthy");
        (await browser.EvaluateAsync<bool>("window.loadedOnce === true")).Should().BeTrue("the page updates in place, without a reload");
        (await browser.EvaluateAsync<int>("document.querySelectorAll('[data-check=\"web\"] svg.chart').length")).Should().Be(1);

        // An operator's override shows among those in force, with its reason.
        using var body = new StringContent("""{"state": "unhealthy", "reason": "drill: primary out"}""", System.Text.Encoding.UTF8, "application/json");
        (await server.Admin.PutAsync("/api/health-checks/web/override", body)).StatusCode.Should().Be(HttpStatusCode.OK);
        await UntilAsync(browser, "document.querySelector('[data-override=\"web\"]')?.textContent ?? ''", "webunhealthy", "the override", prefixOnly: true);
        (await browser.EvaluateAsync<string>("document.getElementById('overrides').textContent")).Should().Contain("drill: primary out").And.Contain("until deleted");

        var screenshot = Repository.PathOf("artifacts", "screenshots", "status-page.png");
        await browser.ScreenshotAsync(screenshot);
        new FileInfo(screenshot).Length.Should().BeGreaterThan(10_000);
        output.WriteLine($"browser test took {clock.Elapsed.TotalSeconds:F1} s; screenshot at {screenshot}");
    }

    [Fact]
    public async Task StatusPage_WithoutToken_PageServedButApiAnswers401()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port));
        using var anonymous = new HttpClient { BaseAddress = server.Admin.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };

        using var page = await anonymous.GetAsync("/");
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        page.Headers.GetValues("Content-Security-Policy").Single().Should().Contain("connect-src 'self'").And.Contain("frame-ancestors 'none'");
        (await page.Content.ReadAsStringAsync()).Should().Contain("<title>FailoverDns status</title>");

        foreach (var path in (string[])["/api/records", "/api/health-checks", "/api/history", "/api/history/latency"])
        {
            using var api = await anonymous.GetAsync(path);
            api.StatusCode.Should().Be(HttpStatusCode.Unauthorized, path);
            JsonDocument.Parse(await api.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString().Should().StartWith("a bearer token is required");
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData(Token)]
    public async Task StatusPage_ForeignHost_Misdirected(string? token)
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "rebound.attacker.example";
        request.Headers.Authorization = token is null ? null : new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var anonymous = new HttpClient { BaseAddress = server.Admin.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };

        using var response = await anonymous.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.MisdirectedRequest);
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString().Should().Contain("does not answer to the Host 'rebound.attacker.example'");
    }

    [Fact]
    public async Task History_AfterFailover_TransitionsSwitchesAndLatencySamples()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port));
        await Poll.UntilAsync(() => server.GetJsonAsync("/api/health-checks/web"), c => c.GetProperty("status").GetString() == "healthy", "web healthy");

        await backend.StopAsync();
        var history = await Poll.UntilAsync(() => server.GetJsonAsync("/api/history"), h => h.GetProperty("switches").GetArrayLength() > 0, "a switch in /api/history");

        var change = history.GetProperty("switches")[0];
        change.GetProperty("kind").GetString().Should().Be("failover");
        change.GetProperty("name").GetString().Should().Be("www.example.test.");
        change.GetProperty("serving").GetString().Should().Be("secondary [10.0.1.1]");
        change.GetProperty("before").GetString().Should().Be("primary [10.0.0.1]");
        change.GetProperty("check").GetString().Should().Be("web");
        history.GetProperty("lastSwitches").EnumerateArray().Should().ContainSingle().Which.GetProperty("kind").GetString().Should().Be("failover");
        var transitions = history.GetProperty("checks").EnumerateArray().Single().GetProperty("transitions");
        transitions[0].GetProperty("to").GetString().Should().Be("unhealthy");
        transitions[0].GetProperty("from").GetString().Should().Be("healthy");

        var latency = await server.GetJsonAsync("/api/history/latency");
        latency.GetProperty("windowMinutes").GetInt32().Should().Be(180);
        var samples = latency.GetProperty("checks").EnumerateArray().Single().GetProperty("samples");
        samples.GetArrayLength().Should().BeInRange(1, 2, "one sample a minute, and the test runs within a minute or two");
        samples[samples.GetArrayLength() - 1].GetProperty("failures").GetInt32().Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task History_ManyResultsAndChanges_KeptWithinItsBounds()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port));
        var history = server.Services.GetRequiredService<StatusHistory>();

        // The live check's own first change (unknown to healthy) reaches the history after the start-up
        // gate opens (a handler later in the pipeline); wait for it, so the fed changes are the newest.
        await Poll.UntilAsync(() => history.Changes().Checks.Single().Transitions.Count > 0, "the check's first change recorded");
        if (DateTimeOffset.UtcNow.Second >= 50)
        {
            await Task.Delay(TimeSpan.FromSeconds(61 - DateTimeOffset.UtcNow.Second)); // the window is read in the minute it was filled
        }

        var now = DateTimeOffset.UtcNow;

        // Ten hours of results, several a minute, and fifty state changes with very long reasons.
        for (var minute = 600; minute >= 0; minute--)
        {
            for (var probe = 0; probe < 3; probe++)
            {
                history.Recorded("web", new ProbeResult(probe > 0, probe > 0 ? ProbeFailure.None : ProbeFailure.ResponseTimeout, "x", TimeSpan.FromMilliseconds(10 * (probe + 1)), now.AddMinutes(-minute)));
            }
        }

        for (var i = 0; i < 50; i++)
        {
            history.Transitioned([new HealthTransition("web", HealthStatus.Healthy, HealthStatus.Unhealthy, $"change {i} " + new string('x', 1000), now)]);
        }

        var samples = history.Latency().Checks.Single().Samples;
        samples.Should().HaveCount(StatusHistory.LatencyMinutes, "one sample a minute for three hours, the older ones overwritten");
        samples[0].At.Should().BeAfter(now.AddMinutes(-StatusHistory.LatencyMinutes));
        samples.Should().BeInAscendingOrder(s => s.At);
        samples[0].Should().Match<LatencySampleView>(s => s.Probes == 3 && s.Failures == 1 && s.MeanMs == 20 && s.MaxMs == 30);
        var transitions = history.Changes().Checks.Single().Transitions;
        transitions.Should().HaveCount(StatusHistory.TransitionsPerCheck);
        transitions[0].Reason.Should().StartWith("change 49 ").And.HaveLength(StatusHistory.MaxReasonLength).And.EndWith("…");
    }

    private const string Serving = $"document.querySelector('[data-set=\"{Set}\"] .serving')?.textContent ?? ''";
    private const string CheckState = "document.querySelector('[data-check=\"web\"] .state')?.textContent ?? ''";
    private const string LastSwitch = $"document.querySelector('[data-set=\"{Set}\"] .last-switch')?.textContent ?? ''";

    /// <summary>Reads <paramref name="expression"/> (a string or a boolean) until it is <paramref name="expected"/> (or starts with it).</summary>
    private static Task<string> UntilAsync(Chromium browser, string expression, string expected, string what, bool prefixOnly = false) =>
        Poll.UntilAsync(
            async () => JsonSerializer.Serialize(await browser.EvaluateAsync<JsonElement>(expression)).Trim('"'),
            text => prefixOnly ? text.StartsWith(expected, StringComparison.Ordinal) : text == expected,
            $"{what} on the page",
            PageDeadline);
}
