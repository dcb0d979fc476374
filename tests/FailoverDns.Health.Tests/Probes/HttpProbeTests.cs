using System.Net;
using System.Text;
using FailoverDns.Health.Checks;
using FailoverDns.Health.Probes;
using FailoverDns.Testing.Http;

namespace FailoverDns.Health.Tests.Probes;

public sealed class HttpProbeTests
{
    private const string Marker = "ALL-SYSTEMS-GO";

    [Theory]
    [InlineData(200)]
    [InlineData(204)]
    [InlineData(302)]
    [InlineData(399)]
    public async Task ProbeAsync_HealthyStatus_Succeeds(int status)
    {
        await using var server = LoopbackHttpServer.Start(ServerReply.WithStatus(status));

        var result = await TestProbes.RunAsync(TestProbes.Http(server.Port));

        result.Succeeded.Should().BeTrue(result.Detail);
        result.Failure.Should().Be(ProbeFailure.None);
        result.StatusCode.Should().Be(status);
        result.Detail.Should().Be($"HTTP {status}");
    }

    [Fact]
    public async Task ProbeAsync_Defaults_SendsGetWithTheDefaultUserAgent()
    {
        await using var server = LoopbackHttpServer.Start(ServerReply.WithStatus(200));

        var result = await TestProbes.RunAsync(TestProbes.Http(server.Port) with { Path = "/health" });

        result.Succeeded.Should().BeTrue(result.Detail);
        var request = server.Requests.Should().ContainSingle().Subject;
        request.RequestLine.Should().Be("GET /health HTTP/1.1");
        request.Headers["User-Agent"].Should().Be("FailoverDns-HealthCheck/1.0");
    }

    [Fact]
    public async Task ProbeAsync_HeadUserAgentAndHeaders_AreWhatTheServerSees()
    {
        await using var server = LoopbackHttpServer.Start(ServerReply.WithStatus(204));
        var options = TestProbes.Http(server.Port) with
        {
            Path = "/health",
            Method = "HEAD",
            UserAgent = "Acme-Monitor/2.0 (+https://status.example.test)",
            Headers = [new("Authorization", "Bearer s3cret"), new("X-Probe-Region", "eu-west")],
        };

        var result = await TestProbes.RunAsync(options);

        result.Succeeded.Should().BeTrue(result.Detail);
        var request = server.Requests.Should().ContainSingle().Subject;
        request.RequestLine.Should().Be("HEAD /health HTTP/1.1");
        request.Headers["User-Agent"].Should().Be("Acme-Monitor/2.0 (+https://status.example.test)");
        request.Headers["Authorization"].Should().Be("Bearer s3cret");
        request.Headers["X-Probe-Region"].Should().Be("eu-west");
    }

    [Fact]
    public void Create_HeadWithMatch_IsRefused()
    {
        var create = () => ProbeFactory.Create(TestProbes.Http(80) with { Method = "HEAD", Match = "OK" }, TimeProvider.System);

        create.Should().Throw<ArgumentException>().WithMessage("*GET, or HEAD without a match*");
    }

    [Fact]
    public async Task ProbeAsync_TargetAcceptsThenResets_EveryProbeFailsWithConnectionError()
    {
        // Unlike a TCP check, an HTTP check needs a response: a reset is a failure, whether it
        // arrives before the connect returns or after.
        const int Probes = 50;
        using var listener = new ResetListener();
        var options = TestProbes.Http(listener.Port);
        var outcomes = new List<ProbeFailure>();

        for (var i = 0; i < Probes; i++)
        {
            outcomes.Add((await TestProbes.RunAsync(options)).Failure);
        }

        outcomes.Should().AllSatisfy(f => f.Should().Be(ProbeFailure.ConnectionError));
    }

    [Fact]
    public async Task ProbeAsync_Redirect_SucceedsWithoutFollowing()
    {
        var elsewhere = TestProbes.ClosedPort();
        await using var server = LoopbackHttpServer.Start(new ServerReply { Status = 301, ExtraHeaders = [$"Location: http://127.0.0.1:{elsewhere}/moved"] });

        var result = await TestProbes.RunAsync(TestProbes.Http(server.Port));

        result.Succeeded.Should().BeTrue(result.Detail);
        result.StatusCode.Should().Be(301);
        server.Requests.Should().ContainSingle();
    }

    [Theory]
    [InlineData(404)]
    [InlineData(500)]
    [InlineData(503)]
    public async Task ProbeAsync_UnhealthyStatus_FailsWithStatusCode(int status)
    {
        await using var server = LoopbackHttpServer.Start(ServerReply.WithStatus(status));

        var result = await TestProbes.RunAsync(TestProbes.Http(server.Port));

        result.Succeeded.Should().BeFalse();
        result.Failure.Should().Be(ProbeFailure.StatusCode);
        result.StatusCode.Should().Be(status);
        result.Detail.Should().Be($"HTTP {status}");
    }

    [Fact]
    public async Task ProbeAsync_ConfiguredHealthyStatuses_OverrideDefault()
    {
        await using var server = LoopbackHttpServer.Start(ServerReply.WithStatus(503));
        var options = TestProbes.Http(server.Port) with { HealthyStatuses = [new StatusRange(200, 200), new StatusRange(500, 503)] };

        var result = await TestProbes.RunAsync(options);

        result.Succeeded.Should().BeTrue(result.Detail);
    }

    [Fact]
    public async Task ProbeAsync_MatchEndingAtByte5120_Succeeds()
    {
        var body = Padding(EndpointCheckOptions.MatchWindow - Marker.Length).Concat(Encoding.UTF8.GetBytes(Marker)).Concat(Padding(1000)).ToArray();
        await using var server = LoopbackHttpServer.Start(ServerReply.WithBody(body));

        var result = await TestProbes.RunAsync(TestProbes.Http(server.Port) with { Match = Marker });

        result.Succeeded.Should().BeTrue(result.Detail);
    }

    [Fact]
    public async Task ProbeAsync_MatchAfterByte5120_FailsWithStringNotFound()
    {
        var body = Padding(EndpointCheckOptions.MatchWindow).Concat(Encoding.UTF8.GetBytes(Marker)).ToArray();
        await using var server = LoopbackHttpServer.Start(ServerReply.WithBody(body));

        var result = await TestProbes.RunAsync(TestProbes.Http(server.Port) with { Match = Marker });

        result.Failure.Should().Be(ProbeFailure.StringNotFound);
        result.StatusCode.Should().Be(200);
        result.Detail.Should().Contain(Marker);
    }

    [Fact]
    public async Task ProbeAsync_MatchStraddlingByte5120_FailsWithStringNotFound()
    {
        var body = Padding(EndpointCheckOptions.MatchWindow - 3).Concat(Encoding.UTF8.GetBytes(Marker)).ToArray();
        await using var server = LoopbackHttpServer.Start(ServerReply.WithBody(body));

        var result = await TestProbes.RunAsync(TestProbes.Http(server.Port) with { Match = Marker });

        result.Failure.Should().Be(ProbeFailure.StringNotFound);
    }

    [Fact]
    public async Task ProbeAsync_MatchInOtherCase_FailsWithStringNotFound()
    {
        await using var server = LoopbackHttpServer.Start(ServerReply.WithBody(Encoding.UTF8.GetBytes("status: all-systems-go")));

        var result = await TestProbes.RunAsync(TestProbes.Http(server.Port) with { Match = Marker });

        result.Failure.Should().Be(ProbeFailure.StringNotFound);
    }

    [Fact]
    public async Task ProbeAsync_NonAsciiMatch_ComparesUtf8Bytes()
    {
        await using var server = LoopbackHttpServer.Start(ServerReply.WithBody(Encoding.UTF8.GetBytes("état: prêt ✓")));

        var result = await TestProbes.RunAsync(TestProbes.Http(server.Port) with { Match = "prêt ✓" });

        result.Succeeded.Should().BeTrue(result.Detail);
    }

    [Fact]
    public async Task ProbeAsync_MatchOnUnhealthyStatus_FailsWithStatusCode()
    {
        await using var server = LoopbackHttpServer.Start(new ServerReply { Status = 500, Body = Encoding.UTF8.GetBytes(Marker) });

        var result = await TestProbes.RunAsync(TestProbes.Http(server.Port) with { Match = Marker });

        result.Failure.Should().Be(ProbeFailure.StatusCode);
    }

    [Fact]
    public async Task ProbeAsync_NonStandardPort_SendsHostWithPortAndClosesConnection()
    {
        await using var server = LoopbackHttpServer.Start(ServerReply.WithStatus(200));

        await TestProbes.RunAsync(TestProbes.Http(server.Port) with { Path = "/health?deep=1" });

        var request = server.Requests.Should().ContainSingle().Subject;
        request.RequestLine.Should().Be("GET /health?deep=1 HTTP/1.1");
        request.Headers["Host"].Should().Be($"127.0.0.1:{server.Port}");
        request.Headers["Connection"].Should().Be("close");
        request.Headers["User-Agent"].Should().Be("FailoverDns-HealthCheck/1.0");
    }

    [Fact]
    public async Task ProbeAsync_CustomHostHeader_SendsIt()
    {
        await using var server = LoopbackHttpServer.Start(ServerReply.WithStatus(200));

        await TestProbes.RunAsync(TestProbes.Http(server.Port) with { HostHeader = "www.example.com" });

        server.Requests.Should().ContainSingle().Which.Headers["Host"].Should().Be("www.example.com");
    }

    [Fact]
    public async Task ProbeAsync_HostNameTarget_ResolvesAndSendsName()
    {
        await using var server = LoopbackHttpServer.Start(ServerReply.WithStatus(200));

        var result = await TestProbes.RunAsync(TestProbes.Http(server.Port, "localhost"));

        result.Succeeded.Should().BeTrue(result.Detail);
        server.Requests.Should().ContainSingle().Which.Headers["Host"].Should().Be($"localhost:{server.Port}");
    }

    [Fact]
    public async Task ProbeAsync_Ipv6LoopbackTarget_BracketsHostHeader()
    {
        await using var server = LoopbackHttpServer.Start(ServerReply.WithStatus(200), address: IPAddress.IPv6Loopback);

        var result = await TestProbes.RunAsync(TestProbes.Http(server.Port, "::1"));

        result.Succeeded.Should().BeTrue(result.Detail);
        server.Requests.Should().ContainSingle().Which.Headers["Host"].Should().Be($"[::1]:{server.Port}");
    }

    [Fact]
    public async Task ProbeAsync_RepeatedOnOneProbe_OpensFreshConnectionEachTime()
    {
        await using var server = LoopbackHttpServer.Start(ServerReply.WithStatus(200));
        using var probe = ProbeFactory.Create(TestProbes.Http(server.Port), TimeProvider.System);

        for (var i = 0; i < 3; i++)
        {
            var result = await probe.ProbeAsync(CancellationToken.None).WaitAsync(TestProbes.Deadline);
            result.Succeeded.Should().BeTrue(result.Detail);
        }

        server.ConnectionCount.Should().Be(3);
    }

    [Fact]
    public async Task ProbeAsync_ServerStopped_NoticedByTheSameProbe()
    {
        var server = LoopbackHttpServer.Start(ServerReply.WithStatus(200));
        var port = server.Port;
        using var probe = ProbeFactory.Create(TestProbes.Http(port), TimeProvider.System);
        (await probe.ProbeAsync(CancellationToken.None).WaitAsync(TestProbes.Deadline)).Succeeded.Should().BeTrue();

        await server.DisposeAsync();
        var result = await probe.ProbeAsync(CancellationToken.None).WaitAsync(TestProbes.Deadline);

        result.Failure.Should().Be(ProbeFailure.ConnectionRefused);
    }

    [Fact]
    public async Task ProbeAsync_ServerNeverAnswers_FailsWithResponseTimeout()
    {
        await using var server = LoopbackHttpServer.Start(new ServerReply { Behaviour = ServerBehaviour.NeverRespond });
        var options = TestProbes.Http(server.Port) with { ResponseTimeout = TimeSpan.FromMilliseconds(300) };

        var result = await TestProbes.RunAsync(options);

        result.Failure.Should().Be(ProbeFailure.ResponseTimeout);
        result.Detail.Should().Be("no response within 300ms");
        result.Latency.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(250)).And.BeLessThan(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ProbeAsync_BodyStallsBeforeMatch_FailsWithResponseTimeout()
    {
        await using var server = LoopbackHttpServer.Start(new ServerReply { Behaviour = ServerBehaviour.HeadersThenStall });
        var options = TestProbes.Http(server.Port) with { ResponseTimeout = TimeSpan.FromMilliseconds(300), Match = Marker };

        var result = await TestProbes.RunAsync(options);

        result.Failure.Should().Be(ProbeFailure.ResponseTimeout);
        result.Detail.Should().Be("body not received within 300ms");
    }

    [Fact]
    public async Task ProbeAsync_BodyStallsWithoutMatch_SucceedsOnStatusAlone()
    {
        await using var server = LoopbackHttpServer.Start(new ServerReply { Behaviour = ServerBehaviour.HeadersThenStall });
        var options = TestProbes.Http(server.Port) with { ResponseTimeout = TimeSpan.FromMilliseconds(300) };

        var result = await TestProbes.RunAsync(options);

        result.Succeeded.Should().BeTrue(result.Detail);
    }

    [Fact]
    public async Task ProbeAsync_ClosedPort_FailsWithConnectionRefused()
    {
        var result = await TestProbes.RunAsync(TestProbes.Http(TestProbes.ClosedPort()));

        result.Failure.Should().Be(ProbeFailure.ConnectionRefused);
        result.Detail.Should().Be("connection refused");
    }

    [Fact]
    public async Task ProbeAsync_UnresolvableHost_FailsWithDnsFailure()
    {
        var result = await TestProbes.RunAsync(TestProbes.Http(80, "nonexistent.invalid"));

        result.Failure.Should().Be(ProbeFailure.DnsFailure);
        result.Detail.Should().Contain("nonexistent.invalid");
    }

    [Fact]
    public async Task ProbeAsync_AcceptQueueFull_FailsWithConnectTimeout()
    {
        using var listener = await SaturatedListener.StartAsync();
        listener.IsSaturated.Should().BeTrue("the kernel should drop SYNs to a listener with a full accept queue");
        var options = TestProbes.Http(listener.Port) with { ConnectTimeout = TimeSpan.FromMilliseconds(300) };

        var result = await TestProbes.RunAsync(options);

        result.Failure.Should().Be(ProbeFailure.ConnectTimeout);
        result.Detail.Should().Be("no connection within 300ms");
    }

    [Fact]
    public async Task ProbeAsync_ServerClosesWithoutResponse_FailsWithConnectionError()
    {
        await using var server = LoopbackHttpServer.Start(new ServerReply { Behaviour = ServerBehaviour.CloseWithoutResponse });

        var result = await TestProbes.RunAsync(TestProbes.Http(server.Port));

        result.Failure.Should().Be(ProbeFailure.ConnectionError);
    }

    [Fact]
    public async Task ProbeAsync_NotHttp_FailsWithConnectionError()
    {
        await using var server = LoopbackHttpServer.Start(new ServerReply { Behaviour = ServerBehaviour.Garbage });

        var result = await TestProbes.RunAsync(TestProbes.Http(server.Port));

        result.Failure.Should().Be(ProbeFailure.ConnectionError);
    }

    [Fact]
    public async Task ProbeAsync_CallerCancels_ThrowsOperationCanceled()
    {
        await using var server = LoopbackHttpServer.Start(new ServerReply { Behaviour = ServerBehaviour.NeverRespond });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var act = () => TestProbes.RunAsync(TestProbes.Http(server.Port), cancel.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task ProbeAsync_Success_ReportsLatencyAndCompletionTime()
    {
        await using var server = LoopbackHttpServer.Start(ServerReply.WithStatus(200));
        var before = DateTimeOffset.UtcNow;

        var result = await TestProbes.RunAsync(TestProbes.Http(server.Port));

        result.Latency.Should().BePositive().And.BeLessThan(TestProbes.Deadline);
        result.CompletedAt.Should().BeOnOrAfter(before).And.BeOnOrBefore(DateTimeOffset.UtcNow);
    }

    private static byte[] Padding(int length) => Enumerable.Repeat((byte)'.', length).ToArray();
}
