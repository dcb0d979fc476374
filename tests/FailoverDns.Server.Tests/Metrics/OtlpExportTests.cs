using System.Net.Sockets;
using FailoverDns.Protocol;
using FailoverDns.Server.Hosting;
using FailoverDns.Server.Metrics;
using FailoverDns.Server.Tests.Support;
using FailoverDns.Server.Transport;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;

namespace FailoverDns.Server.Tests.Metrics;

/// <summary>OTLP export of the real host, switched on by the standard variables, to a loopback receiver.</summary>
public sealed class OtlpExportTests
{
    // The admin API (and /metrics) off: OTLP alone must be enough to have the queries counted.
    private static string Config => TestZone.Text.Replace("listen: [127.0.0.1:0]", """
        listen: [127.0.0.1:0]
        logging: { level: Warning }
        admin: { enabled: false }
        """, StringComparison.Ordinal);

    [Fact]
    public async Task Host_OtlpEndpointSet_PostsMetricsToIt()
    {
        await using var collector = new WebhookReceiver();
        var endpoint = new Uri(collector.Url).GetLeftPart(UriPartial.Authority);
        var variables = new Dictionary<string, string>
        {
            [MetricsExport.EndpointVariable] = endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "100",
        };
        var loaded = TestZone.Load(Config);
        using var host = FailoverDnsHost.Build(loaded.Config!, loaded.Snapshot!, environment: variables.GetValueOrDefault);
        await host.StartAsync();
        try
        {
            var server = host.Services.GetRequiredService<DnsListenerService>().UdpEndPoints.Single();
            using var udp = new UdpClient(AddressFamily.InterNetwork);
            (await UdpExchange.TryAsync(udp, server, Queries.Build("www.example.test", RecordType.A, id: 1), TimeSpan.FromSeconds(2))).Should().NotBeNull();

            // Metric names travel as plain UTF-8 strings inside the protobuf body.
            await Poll.UntilAsync(() => collector.Requests.Any(r => r.Body.Contains("failoverdns.dns.queries", StringComparison.Ordinal)), "an OTLP export with the query counter");

            var export = collector.Requests.First(r => r.Body.Contains("failoverdns.dns.queries", StringComparison.Ordinal));
            export.Headers["request-line"].Should().Be("POST /v1/metrics HTTP/1.1");
            export.Headers["Content-Type"].Should().Be("application/x-protobuf");
            export.Body.Should().Contain("failoverdns.dns.responses.truncated").And.Contain("service.name");
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public void Settings_OnlyStandardVariablesThatAreSet()
    {
        var settings = MetricsExport.Settings(name => name switch
        {
            MetricsExport.EndpointVariable => "http://127.0.0.1:4318",
            "OTEL_EXPORTER_OTLP_HEADERS" => "",
            "HOME" => "/root",
            _ => null,
        });

        settings.Should().Equal(new Dictionary<string, string?> { [MetricsExport.EndpointVariable] = "http://127.0.0.1:4318" });
        MetricsExport.OtlpRequested(settings).Should().BeTrue();
        MetricsExport.OtlpRequested(MetricsExport.Settings(_ => null)).Should().BeFalse();
    }
}
