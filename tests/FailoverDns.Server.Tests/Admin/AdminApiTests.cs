using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FailoverDns.Server.Hosting;
using FailoverDns.Server.Lifecycle;
using FailoverDns.Server.Tests.Support;
using FailoverDns.Testing.Http;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Admin;

/// <summary>The admin API of the real host on a loopback port: every endpoint but metrics (see MetricsEndpointTests).</summary>
public sealed class AdminApiTests
{
    private const string Primary = "NOERROR | www.example.test. 30 IN A 10.0.0.1";
    private const string Secondary = "NOERROR | www.example.test. 30 IN A 10.0.1.1";

    private static string Config(int backendPort, string admin = "") => $$"""
        listen: [127.0.0.1:0]
        logging: { level: Warning }
        {{admin}}
        healthChecks:
          - { name: web, type: http, target: 127.0.0.1, port: {{backendPort}}, path: /health, interval: 200ms, failureThreshold: 2, recoveryThreshold: 2 }
        zones:
          - name: example.test
            soa: { email: hostmaster@example.test, negativeTtl: 60 }
            nameservers: [ns1.example.test.]
            records:
              - { name: ns1, type: A, value: 192.0.2.53 }
              - { name: alias, type: CNAME, value: www }
              - { name: loop1, type: CNAME, value: loop2 }
              - { name: loop2, type: CNAME, value: loop1 }
              - { name: tosub, type: CNAME, value: host.sub }
              - { name: sub, type: NS, value: ns.sub }
              - { name: ns.sub, type: A, value: 192.0.2.200 }
            failover:
              - name: www
                type: A
                ttl: 30
                unsettledTtl: 30 # fixed: one probe failing on a loaded machine must not change the answers asserted
                primary: { value: 10.0.0.1, healthCheck: web }
                secondary: { value: 10.0.1.1 }
        """;

    [Fact]
    public async Task Healthz_Running_AnswersOk()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port));

        var text = await server.Admin.GetStringAsync("/healthz");

        text.Should().Be("ok\n");
    }

    [Fact]
    public async Task Readyz_FirstRoundDone_ReadyWithDetails()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port));

        var ready = await Poll.UntilAsync(server.ReadinessAsync, r => r.GetProperty("ready").GetBoolean(), "readiness");

        ready.GetProperty("configLoaded").GetBoolean().Should().BeTrue();
        ready.GetProperty("listenersBound").GetBoolean().Should().BeTrue();
        ready.GetProperty("firstProbeRoundDone").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task Readyz_ProbeStillWaitingForItsFirstAnswer_NotReady()
    {
        // A backend that accepts and never answers: the first probe takes its whole response timeout.
        using var silent = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var yaml = Config(port).Replace("interval: 200ms", "interval: 60s, responseTimeout: 20s", StringComparison.Ordinal);
        await using var server = await ServerFixture.StartAsync(yaml);

        using var response = await server.Admin.GetAsync("/readyz");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        body.GetProperty("ready").GetBoolean().Should().BeFalse();
        body.GetProperty("listenersBound").GetBoolean().Should().BeTrue();
        body.GetProperty("answering").GetBoolean().Should().BeFalse("answering waits for the first result of each check");
        body.GetProperty("reason").GetString().Should().Contain("wait for the first result of every health check");
        body.GetProperty("firstProbeRoundDone").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public async Task HealthChecks_AfterProbes_ShowStateSettingsAndRecentResults()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port));

        var check = await Poll.UntilAsync(() => server.GetJsonAsync("/api/health-checks/web"), c => c.GetProperty("probes").GetInt64() >= 2, "two probes");
        var all = await server.GetJsonAsync("/api/health-checks");

        all.EnumerateArray().Select(c => c.GetProperty("name").GetString()).Should().Equal("web");
        check.GetProperty("type").GetString().Should().Be("http");
        check.GetProperty("endpoint").GetString().Should().Be($"http://127.0.0.1:{backend.Port}/health");
        check.GetProperty("status").GetString().Should().Be("healthy");
        check.GetProperty("probedStatus").GetString().Should().Be("healthy");
        check.GetProperty("failureThreshold").GetInt32().Should().Be(2);
        check.GetProperty("recoveryThreshold").GetInt32().Should().Be(2);
        check.TryGetProperty("override", out _).Should().BeFalse();
        check.GetProperty("flapDamped").GetBoolean().Should().BeFalse();
        check.TryGetProperty("flapDampedSince", out _).Should().BeFalse();
        var last = check.GetProperty("history")[0];
        last.GetProperty("ok").GetBoolean().Should().BeTrue();
        last.GetProperty("detail").GetString().Should().Be("HTTP 200");
        last.GetProperty("statusCode").GetInt32().Should().Be(200);
        last.GetProperty("latencyMs").GetDouble().Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task HealthChecks_PrimaryDown_LastFailureCarriesItsReason()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port));
        await backend.StopAsync();

        // A probe in flight as the backend stops may fail otherwise: the refusals follow.
        var check = await Poll.UntilAsync(
            () => server.GetJsonAsync("/api/health-checks/web"),
            c => c.GetProperty("status").GetString() == "unhealthy" && c.GetProperty("consecutiveFailures").GetInt32() >= 2
                && c.GetProperty("lastFailure").GetProperty("failure").GetString() == "connection_refused",
            "an unhealthy check refused twice");

        var failure = check.GetProperty("lastFailure");
        failure.GetProperty("ok").GetBoolean().Should().BeFalse();
        failure.GetProperty("failure").GetString().Should().Be("connection_refused");
        check.GetProperty("consecutiveFailures").GetInt32().Should().BeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public async Task HealthCheck_Unknown_NotFound()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port));

        using var response = await server.Admin.GetAsync("/api/health-checks/nope");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync()).Should().Contain("no health check named 'nope'");
    }

    [Fact]
    public async Task Records_PrimaryDown_ShowSecondaryServedAndWhy()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port));
        await backend.StopAsync();

        var sets = await Poll.UntilAsync(() => server.GetJsonAsync("/api/records"), r => r[0].GetProperty("activeTier").GetInt32() == 1, "the secondary");

        var set = sets.EnumerateArray().Should().ContainSingle().Subject;
        set.GetProperty("name").GetString().Should().Be("www.example.test.");
        set.GetProperty("type").GetString().Should().Be("A");
        set.GetProperty("ttl").GetInt32().Should().Be(30);
        set.GetProperty("servedTtl").GetInt32().Should().Be(30);
        set.TryGetProperty("ttlReason", out _).Should().BeFalse("the secondary is settled: served with its TTL");
        set.GetProperty("policy").GetString().Should().Be("primary");
        set.GetProperty("serving").GetString().Should().Be("secondary [10.0.1.1]");
        set.GetProperty("reason").GetString().Should().Be("primary check web is unhealthy; secondary has no health check");
        set.GetProperty("tiers").EnumerateArray().Select(t => (t.GetProperty("label").GetString(), t.GetProperty("healthy").GetBoolean()))
            .Should().Equal(("primary", false), ("secondary", true));
    }

    [Fact]
    public async Task Explain_CnameToFailoverName_ExactAnswerAndReasoning()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port));
        await Poll.UntilAsync(() => server.GetJsonAsync("/api/health-checks/web"), c => c.GetProperty("status").GetString() == "healthy", "a healthy check");

        var explain = await server.GetJsonAsync("/api/explain?name=Alias.Example.Test&type=A");

        explain.GetProperty("rcode").GetString().Should().Be("NOERROR");
        explain.GetProperty("authoritative").GetBoolean().Should().BeTrue();
        explain.GetProperty("answer").EnumerateArray().Select(a => a.GetString()).Should().Equal(
            "Alias.Example.Test. 3600 IN CNAME www.example.test.",
            "www.example.test. 30 IN A 10.0.0.1");
        explain.GetProperty("reasoning").EnumerateArray().Select(a => a.GetString()).Should().Equal(
            "alias.example.test. is in zone example.test.",
            "alias.example.test. is a CNAME to www.example.test.; following it",
            "failover set www.example.test. A: primary check web is healthy; serving primary [10.0.0.1]",
            "answered with 1 A record(s), TTL 30 s");
        (await DnsAnswers.AskAsync(server, "alias.example.test")).Should().Be("NOERROR | alias.example.test. 3600 IN CNAME www.example.test. | www.example.test. 30 IN A 10.0.0.1");
    }

    [Fact]
    public async Task Explain_CnameLoop_StopsWhereTheQueryPathStops()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port));

        var explain = await server.GetJsonAsync("/api/explain?name=loop1.example.test&type=A");

        explain.GetProperty("rcode").GetString().Should().Be("NOERROR");
        explain.GetProperty("answer").EnumerateArray().Select(a => a.GetString()).Should().Equal(
            "loop1.example.test. 3600 IN CNAME loop2.example.test.",
            "loop2.example.test. 3600 IN CNAME loop1.example.test.");
        explain.GetProperty("reasoning").EnumerateArray().Select(a => a.GetString()).Should().Equal(
            "loop1.example.test. is in zone example.test.",
            "loop1.example.test. is a CNAME to loop2.example.test.; following it",
            "loop2.example.test. is a CNAME to loop1.example.test.; following it",
            "loop1.example.test. is already in the chain: a CNAME loop, answered up to where it closes");
        (await DnsAnswers.AskAsync(server, "loop1.example.test")).Should().Be(
            "NOERROR | loop1.example.test. 3600 IN CNAME loop2.example.test. | loop2.example.test. 3600 IN CNAME loop1.example.test.");
    }

    [Fact]
    public async Task Explain_CnameIntoDelegation_SaysTheChainEndedAtTheCut()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port));

        var explain = await server.GetJsonAsync("/api/explain?name=tosub.example.test&type=A");

        explain.GetProperty("rcode").GetString().Should().Be("NOERROR");
        explain.GetProperty("authoritative").GetBoolean().Should().BeTrue();
        explain.GetProperty("answer").EnumerateArray().Select(a => a.GetString()).Should().Equal("tosub.example.test. 3600 IN CNAME host.sub.example.test.");
        explain.GetProperty("authority").EnumerateArray().Select(a => a.GetString()).Should().Equal("sub.example.test. 3600 IN NS ns.sub.example.test.");
        explain.GetProperty("additional").EnumerateArray().Select(a => a.GetString()).Should().Equal("ns.sub.example.test. 3600 IN A 192.0.2.200");
        explain.GetProperty("reasoning").EnumerateArray().Select(a => a.GetString()).Should().Equal(
            "tosub.example.test. is in zone example.test.",
            "tosub.example.test. is a CNAME to host.sub.example.test.; following it",
            "the chain ended at the delegation sub.example.test.: host.sub.example.test. is at or below it, so its name servers follow in authority with their glue; "
                + "the CNAMEs are ours (authoritative) and the resolver follows the last one from there (RFC 1034 §4.3.2 step 3b)");
    }

    [Theory]
    [InlineData("nothere.example.test", "A", "NXDOMAIN", "example.test. 60 IN SOA")]
    [InlineData("www.example.test", "AAAA", "NOERROR", "example.test. 60 IN SOA")]
    [InlineData("www.elsewhere.test", "A", "REFUSED", null)]
    public async Task Explain_NegativeAnswers_RcodeAndAuthority(string name, string type, string rcode, string? authority)
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port));

        var explain = await server.GetJsonAsync($"/api/explain?name={name}&type={type}");

        explain.GetProperty("rcode").GetString().Should().Be(rcode);
        explain.GetProperty("answer").GetArrayLength().Should().Be(0);
        var soa = explain.GetProperty("authority").EnumerateArray().Select(a => a.GetString()!).ToList();
        if (authority is null)
        {
            soa.Should().BeEmpty();
        }
        else
        {
            soa.Should().ContainSingle().Which.Should().StartWith(authority);
        }
    }

    [Theory]
    [InlineData("/api/explain?type=A", "give ?name=")]
    [InlineData("/api/explain?name=www.example.test&type=BOGUS", "is not a valid name and type")]
    [InlineData("/api/explain?name=a..b&type=A", "is not a valid name and type")]
    public async Task Explain_BadQuestion_BadRequest(string path, string message)
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port));

        using var response = await server.Admin.GetAsync(path);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain(message);
    }

    [Fact]
    public async Task Override_UnhealthyThenCleared_FailsOverAndBack()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port));
        await Poll.UntilAsync(() => server.GetJsonAsync("/api/health-checks/web"), c => c.GetProperty("status").GetString() == "healthy", "a healthy check");

        using var put = await server.Admin.PutAsJsonAsync("/api/health-checks/web/override", new { state = "unhealthy", reason = "maintenance window" });
        var view = JsonDocument.Parse(await put.Content.ReadAsStringAsync()).RootElement;

        put.StatusCode.Should().Be(HttpStatusCode.OK);
        view.GetProperty("status").GetString().Should().Be("unhealthy");
        view.GetProperty("probedStatus").GetString().Should().Be("healthy", "the real probed state is shown beside the override");
        view.GetProperty("override").GetProperty("reason").GetString().Should().Be("maintenance window");
        (await DnsAnswers.AskAsync(server, "www.example.test")).Should().Be(Secondary);
        var tier = (await server.GetJsonAsync("/api/records"))[0].GetProperty("tiers")[0];
        (tier.GetProperty("checkStatus").GetString(), tier.GetProperty("probedStatus").GetString(), tier.GetProperty("override").GetString()).Should().Be(("unhealthy", "healthy", "maintenance window"));
        (await server.GetJsonAsync("/api/explain?name=www.example.test&type=A")).GetProperty("reasoning")[1].GetString().Should().Be(
            "failover set www.example.test. A: primary check web is unhealthy by override (maintenance window; probes say healthy); secondary has no health check; serving secondary [10.0.1.1]");

        using var delete = await server.Admin.DeleteAsync("/api/health-checks/web/override");

        delete.StatusCode.Should().Be(HttpStatusCode.OK);
        (await server.GetJsonAsync("/api/health-checks/web")).TryGetProperty("override", out _).Should().BeFalse();
        (await DnsAnswers.AskAsync(server, "www.example.test")).Should().Be(Primary);
    }

    [Theory]
    [InlineData("web", """{"state":"sideways"}""", HttpStatusCode.BadRequest, "'state' must be")]
    [InlineData("web", """{"state":"healthy","until":"2001-01-01T00:00:00Z"}""", HttpStatusCode.BadRequest, "'until' is in the past")]
    [InlineData("nope", """{"state":"healthy"}""", HttpStatusCode.NotFound, "no health check named 'nope'")]
    public async Task Override_InvalidRequest_Refused(string check, string body, HttpStatusCode status, string message)
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port));

        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await server.Admin.PutAsync($"/api/health-checks/{check}/override", content);

        response.StatusCode.Should().Be(status);
        (await response.Content.ReadAsStringAsync()).Should().Contain(message);
        (await DnsAnswers.AskAsync(server, "www.example.test")).Should().Be(Primary);
    }

    [Fact]
    public async Task Token_Configured_RequiredOnApiButNotOnProbes()
    {
        await using var backend = LoopbackHttpServer.Start();
        const string Token = "0123456789abcdef-token";
        await using var server = await ServerFixture.StartAsync(Config(backend.Port, $"admin: {{ listen: 127.0.0.1:0, token: {Token} }}"));
        using var anonymous = new HttpClient { BaseAddress = server.Admin.BaseAddress };

        using var refused = await anonymous.GetAsync("/api/records");
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/records") { Headers = { { "Authorization", "Bearer not-the-token-at-all" } } };
        using var wrongResponse = await anonymous.SendAsync(wrong);

        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        refused.Headers.WwwAuthenticate.ToString().Should().Be("Bearer");
        wrongResponse.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await anonymous.GetAsync("/healthz")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await server.Admin.GetAsync("/api/records")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await anonymous.GetAsync("/metrics")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public void Build_BeyondLoopbackWithoutToken_RefusesToStart()
    {
        var loaded = TestZone.Load(Config(1, "admin: { listen: 0.0.0.0:8053 }"));

        var act = () => FailoverDnsHost.Build(loaded.Config!, loaded.Snapshot!, environment: _ => null);

        act.Should().Throw<StartupException>().WithMessage("the admin API listens on 0.0.0.0:8053, beyond loopback, and so needs a bearer token: set admin.token or FAILOVERDNS_ADMIN_TOKEN");
    }

    [Fact]
    public async Task Build_TokenFromEnvironment_Required()
    {
        await using var backend = LoopbackHttpServer.Start();
        var loaded = TestZone.Load(Config(backend.Port, "admin: { listen: 127.0.0.1:0 }"));
        using var host = FailoverDnsHost.Build(loaded.Config!, loaded.Snapshot!, environment: name => name == "FAILOVERDNS_ADMIN_TOKEN" ? "from-the-environment-123" : null);
        await host.StartAsync();
        try
        {
            var address = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>(host.Services)
                .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.Single();
            using var client = new HttpClient { BaseAddress = new Uri(address) };

            (await client.GetAsync("/api/records")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "from-the-environment-123");
            (await client.GetAsync("/api/records")).StatusCode.Should().Be(HttpStatusCode.OK);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
