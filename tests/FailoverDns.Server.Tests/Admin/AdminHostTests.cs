using System.Net;
using System.Text.Json;
using FailoverDns.Server.Hosting;
using FailoverDns.Server.Lifecycle;
using FailoverDns.Server.Tests.Support;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Admin;

/// <summary>The admin API against DNS rebinding (the Host header) and a port it cannot bind.</summary>
public sealed class AdminHostTests
{
    private static string Config(string admin) => $$"""
        listen: [127.0.0.1:0]
        logging: { level: Warning }
        {{admin}}
        zones:
          - name: example.test
            soa: { email: hostmaster@example.test }
            nameservers: [ns1.example.test.]
            records:
              - { name: ns1, type: A, value: 192.0.2.53 }
        """;

    [Theory]
    [InlineData("rebound.attacker.example", HttpStatusCode.MisdirectedRequest)]
    [InlineData("rebound.attacker.example:8053", HttpStatusCode.MisdirectedRequest)]
    [InlineData("192.0.2.1", HttpStatusCode.MisdirectedRequest)]
    [InlineData("localhost", HttpStatusCode.OK)]
    [InlineData("LOCALHOST:8053", HttpStatusCode.OK)]
    [InlineData("127.0.0.1", HttpStatusCode.OK)]
    [InlineData("[::1]:8053", HttpStatusCode.OK)]
    [InlineData("Admin.Example.COM.", HttpStatusCode.OK)]
    public async Task Host_OnLoopback_OnlyLoopbackNamesAndAllowedHosts(string host, HttpStatusCode status)
    {
        await using var server = await ServerFixture.StartAsync(Config("admin: { listen: 127.0.0.1:0, allowedHosts: [admin.example.com] }"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/records");
        request.Headers.Host = host;

        using var response = await server.Admin.SendAsync(request);

        response.StatusCode.Should().Be(status);
        if (status == HttpStatusCode.MisdirectedRequest)
        {
            var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();
            error.Should().StartWith("the admin API on 127.0.0.1:").And.EndWith($"does not answer to the Host '{host.Split(':')[0]}': call it by its address, or add the name to admin.allowedHosts");
        }
    }

    [Fact]
    public async Task Host_Foreign_RefusedBeforeTheToken()
    {
        await using var server = await ServerFixture.StartAsync(Config("admin: { listen: 127.0.0.1:0, token: 0123456789abcdef-token }"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        request.Headers.Host = "rebound.attacker.example";

        using var response = await server.Admin.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.MisdirectedRequest, "even the open endpoints refuse a rebound name");
    }

    [Fact]
    public async Task Start_AdminPortBusy_StartupExceptionNamingTheAddress()
    {
        using var busy = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var port = ((IPEndPoint)busy.LocalEndpoint).Port;
        var loaded = TestZone.Load(Config($"admin: {{ listen: 127.0.0.1:{port} }}"));
        using var host = FailoverDnsHost.Build(loaded.Config!, loaded.Snapshot!, environment: _ => null);

        var start = () => host.StartAsync();

        (await start.Should().ThrowAsync<StartupException>()).Which.Message.Should().Be(
            $"cannot listen on TCP 127.0.0.1:{port} for the admin API: the port is already in use by another process (is another FailoverDns running?); change admin.listen, or turn the API off with admin: {{ enabled: false }}");
    }
}
