using System.Net;
using System.Text;
using FailoverDns.Configuration;
using FailoverDns.Server.Alerts;
using FailoverDns.Server.Tests.Support;
using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;

namespace FailoverDns.Server.Tests.Alerts;

/// <summary>One webhook's queue on its own: bounded, oldest dropped first, never blocking the caller.</summary>
public sealed class WebhookSenderTests
{
    [Fact]
    public async Task Enqueue_ReceiverStuckAndQueueFull_DropsOldestAndCountsIt()
    {
        await using var metricsHost = await MetricsHost.StartAsync();
        using var handler = new HeldHandler();
        using var http = new HttpClient(handler);
        var options = new WebhookOptions { Url = new Uri("http://127.0.0.1:9/hook"), QueueSize = 2 };
        var sender = new WebhookSender(options, http, TimeProvider.System, new AlertMetrics(metricsHost.Meters, () => []), NullLogger.Instance);

        sender.Enqueue(Payload("e1"), Encoding.UTF8.GetBytes("e1"));
        await handler.FirstRequest.Task.WaitAsync(Poll.Deadline);
        foreach (var name in new[] { "e2", "e3", "e4" })
        {
            sender.Enqueue(Payload(name), Encoding.UTF8.GetBytes(name));
        }

        sender.Queued.Should().Be(2);
        handler.Release.TrySetResult();
        await sender.DrainAsync(Poll.Deadline);

        handler.Bodies.Should().Equal("e1", "e3", "e4");
        var metrics = await metricsHost.ScrapeAsync();
        metrics.Sum("failoverdns_alerts_deliveries_total", ("outcome", "dropped")).Should().Be(1);
        metrics.Sum("failoverdns_alerts_deliveries_total", ("outcome", "delivered")).Should().Be(3);
    }

    private static AlertPayload Payload(string id) => new("failover", id, DateTimeOffset.UnixEpoch, "test", "web", "reason", "summary", []);

    /// <summary>Holds every request until released, and records the bodies in order.</summary>
    private sealed class HeldHandler : HttpMessageHandler
    {
        public TaskCompletionSource FirstRequest { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<string> Bodies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Bodies)
            {
                Bodies.Add(request.Content!.ReadAsStringAsync(cancellationToken).GetAwaiter().GetResult());
            }

            FirstRequest.TrySetResult();
            await Release.Task.WaitAsync(cancellationToken);
            return new HttpResponseMessage(HttpStatusCode.OK);
        }
    }
}
