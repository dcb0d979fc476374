using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using FailoverDns.Configuration;
using FailoverDns.Protocol;
using FailoverDns.Server.Query;
using FailoverDns.Server.Tests.Support;
using FailoverDns.Server.Transport;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FailoverDns.Server.Tests.Transport;

/// <summary>Issue 12: a flood of refused connections wrote a warning each; now one line per interval, and a metric counts them all.</summary>
public sealed class TcpDnsListenerLogTests
{
    private const int Refused = 200;

    [Fact]
    public async Task Serve_FloodOfRefusedConnections_FewWarningsAndEveryOneCounted()
    {
        await using var server = await ServerFixture.StartAsync(TestZone.Text);
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        var closed = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        using var meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == meters && instrument.Name == "failoverdns.dns.tcp.connections.closed")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meterListener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "reason")
                {
                    closed.AddOrUpdate((string)tag.Value!, value, (_, sum) => sum + value);
                }
            }
        });
        meterListener.Start();
        var logger = new CapturingLogger();
        using var tcp = TcpDnsListener.Bind(
            new IPEndPoint(IPAddress.Loopback, 0),
            new ServerOptions { TcpMaxConnectionsPerClient = 1 },
            server.Services.GetRequiredService<QueryProcessor>(),
            null,
            new TcpConnectionMetrics(meters),
            TimeProvider.System,
            logger);
        tcp.Start();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var greedy = IPAddress.Parse("127.0.0.2");
        using var holder = await TcpExchange.ConnectAsync(tcp.LocalEndPoint, deadline.Token, greedy);
        await Poll.UntilAsync(() => tcp.OpenConnections == 1, "the first connection accepted");

        for (var i = 0; i < Refused; i++)
        {
            using var refused = await TcpExchange.ConnectAsync(tcp.LocalEndPoint, deadline.Token, greedy);
            (await TcpExchange.ClosedByServerAsync(refused, TimeSpan.FromSeconds(5))).Should().BeTrue($"connection {i} is over the client's limit");
        }

        await Poll.UntilAsync(() => closed.GetValueOrDefault("per_client_limit") == Refused, "every refusal counted");
        var warnings = logger.Lines.Where(l => l.Level == LogLevel.Warning).ToList();
        // One line per 10 s: a run this short writes one, a very slow one a few; never one per refusal.
        warnings.Should().NotBeEmpty().And.HaveCountLessThan(5);
        warnings[0].Message.Should().Contain("server.tcpMaxConnectionsPerClient");
    }

    [Fact]
    public async Task Metrics_ConnectionsOverClientLimit_ScrapedByReason()
    {
        var config = TestZone.Text.Replace("listen: [127.0.0.1:0]", "listen: [127.0.0.1:0]\nserver: { tcpMaxConnectionsPerClient: 1 }", StringComparison.Ordinal);
        await using var server = await ServerFixture.StartAsync(config);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var greedy = IPAddress.Parse("127.0.0.2");
        using var holder = await TcpExchange.ConnectAsync(server.TcpEndPoint, deadline.Token, greedy);
        await holder.SendAsync(TcpExchange.Frame(Queries.Build("www.example.test", RecordType.A)), SocketFlags.None, deadline.Token);
        await TcpExchange.ReadReplyAsync(holder, deadline.Token);

        for (var i = 0; i < 5; i++)
        {
            using var refused = await TcpExchange.ConnectAsync(server.TcpEndPoint, deadline.Token, greedy);
            (await TcpExchange.ClosedByServerAsync(refused, TimeSpan.FromSeconds(5))).Should().BeTrue();
        }

        var scrape = await Poll.UntilAsync(
            async () => PrometheusScrape.Parse(await server.Admin.GetStringAsync("/metrics")),
            s => s.Sum("failoverdns_dns_tcp_connections_closed_total", ("reason", "per_client_limit")) == 5,
            "the refusals scraped");
        scrape.Types["failoverdns_dns_tcp_connections_closed_total"].Should().Be("counter");
    }
}
