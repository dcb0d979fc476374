using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FailoverDns.Server.Tests.Support;
using FailoverDns.Testing.Http;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Alerts;

/// <summary>Alerts from the real host to a webhook receiver on loopback that fails the first attempts.</summary>
public sealed class WebhookAlertTests
{
    private const string Secret = "webhook-signing-secret";

    private static string Config(int backendPort, string webhookUrl, string events = "") => $$"""
        listen: [127.0.0.1:0]
        logging: { level: Error }
        alerts:
          webhooks:
            - { url: "{{webhookUrl}}", secret: {{Secret}}, retryBackoff: 50ms, maxAttempts: 4, timeout: 2s {{events}} }
        healthChecks:
          - { name: web, type: tcp, target: 127.0.0.1, port: {{backendPort}}, interval: 200ms, failureThreshold: 2, recoveryThreshold: 2 }
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

    private static List<(Dictionary<string, string> Headers, JsonElement Body, string Raw, int Status)> Delivered(WebhookReceiver receiver) =>
        [.. receiver.Requests.Select(r => (r.Headers, JsonDocument.Parse(r.Body).RootElement, r.Body, r.Status))];

    [Fact]
    public async Task Webhook_PrimaryFailsAndRecovers_FourEventsDeliveredDespiteFailedAttempts()
    {
        await using var receiver = new WebhookReceiver(503, 500);
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port, receiver.Url));
        await Poll.UntilAsync(() => server.GetJsonAsync("/api/health-checks/web"), c => c.GetProperty("status").GetString() == "healthy", "a healthy check");
        receiver.Requests.Should().BeEmpty("a check's first verdict, healthy, is not news");

        await backend.StopAsync();
        await Poll.UntilAsync(() => receiver.Requests.Count(r => r.Status == 200) >= 2, "unhealthy and failover delivered");
        backend.Restart();
        await Poll.UntilAsync(() => receiver.Requests.Count(r => r.Status == 200) >= 4, "recovered and failback delivered");

        var requests = Delivered(receiver);
        requests.Select(r => (r.Body.GetProperty("event").GetString(), r.Status)).Should().Equal(
            ("unhealthy", 503), ("unhealthy", 500), ("unhealthy", 200), ("failover", 200), ("recovered", 200), ("failback", 200));
        requests.Take(3).Select(r => r.Headers["X-FailoverDns-Delivery"]).Distinct().Should().ContainSingle("a retry is the same delivery");
        foreach (var (headers, _, raw, _) in requests)
        {
            var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(raw)));
            headers["X-FailoverDns-Signature"].Should().Be(expected);
            headers["Content-Type"].Should().Be("application/json; charset=utf-8");
            headers["request-line"].Should().Be("POST /hooks/failoverdns?key=secret-in-url HTTP/1.1");
        }

        var failover = requests[3].Body;
        failover.GetProperty("check").GetString().Should().Be("web");
        failover.GetProperty("reason").GetString().Should().Contain("2 failed in a row");
        failover.GetProperty("summary").GetString().Should().Be("Failover. www.example.test. A: primary [10.0.0.1] -> secondary [10.0.1.1]");
        var set = failover.GetProperty("recordSets").EnumerateArray().Should().ContainSingle().Subject;
        set.GetProperty("name").GetString().Should().Be("www.example.test.");
        set.GetProperty("serving").GetString().Should().Be("secondary [10.0.1.1]");
        set.GetProperty("tier").GetInt32().Should().Be(1);
        set.GetProperty("before").GetString().Should().Be("primary [10.0.0.1]");
        requests[0].Body.GetProperty("recordSets")[0].GetProperty("serving").GetString().Should().Be("secondary [10.0.1.1]", "the unhealthy alert says what is served now");

        var metrics = PrometheusScrape.Parse(await server.Admin.GetStringAsync("/metrics"));
        metrics.Sum("failoverdns_alerts_deliveries_total", ("outcome", "delivered")).Should().Be(4);
        metrics.Sum("failoverdns_alerts_retries_total").Should().Be(2);
        var origin = receiver.Url[..receiver.Url.IndexOf("/hooks", StringComparison.Ordinal)];
        metrics.Matching("failoverdns_alerts_deliveries_total").Select(s => s.Labels["webhook"]).Should().OnlyContain(w => w == origin, "the URL's path and query may hold a credential");
    }

    [Fact]
    public async Task Webhook_EventsFiltered_OnlyThoseSent()
    {
        await using var receiver = new WebhookReceiver();
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port, receiver.Url, ", events: [failover, failback]"));

        await backend.StopAsync();
        await Poll.UntilAsync(() => !receiver.Requests.IsEmpty, "the failover alert");
        backend.Restart();
        await Poll.UntilAsync(() => receiver.Requests.Count >= 2, "the failback alert");

        Delivered(receiver).Select(r => r.Body.GetProperty("event").GetString()).Should().Equal("failover", "failback");
    }

    [Fact]
    public async Task Webhook_ClientError_NotRetried()
    {
        await using var receiver = new WebhookReceiver(404, 404, 404);
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port, receiver.Url, ", events: [failover]"));

        await backend.StopAsync();
        await Poll.UntilAsync(async () => PrometheusScrape.Parse(await server.Admin.GetStringAsync("/metrics")), m => m.Sum("failoverdns_alerts_deliveries_total", ("outcome", "failed")) == 1, "a failed delivery");

        receiver.Requests.Should().ContainSingle("404 will not become 200 by asking again");
    }
}
