using System.Net;
using System.Net.Sockets;
using FailoverDns.Health.Probes;
using Microsoft.Extensions.Time.Testing;

namespace FailoverDns.Health.Tests.Probes;

public sealed class TcpProbeTests
{
    [Fact]
    public async Task ProbeAsync_Listening_Succeeds()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;

            var result = await TestProbes.RunAsync(TestProbes.Tcp(port));

            result.Succeeded.Should().BeTrue(result.Detail);
            result.Detail.Should().Be("connected to 127.0.0.1");
            result.StatusCode.Should().BeNull();
        }
        finally
        {
            listener.Stop();
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ProbeAsync_TargetAcceptsThenResets_EveryProbePasses(bool finFirst)
    {
        // Route 53: a TCP check passes once the handshake completes; a reset after it is the
        // target's business. The reset races the connect's completion, so one probe proves little.
        const int Probes = 200;
        using var listener = new ResetListener(finFirst);
        var options = TestProbes.Tcp(listener.Port);
        var failures = new List<string>();

        for (var i = 0; i < Probes; i++)
        {
            var result = await TestProbes.RunAsync(options);
            if (!result.Succeeded)
            {
                failures.Add($"{result.Failure}: {result.Detail}");
            }
        }

        failures.Should().BeEmpty($"all {Probes} probes should pass; {failures.Count} failed");
        listener.Accepted.Should().BeGreaterThan(0, "the listener should have accepted and reset connections");
    }

    [Fact]
    public async Task ProbeAsync_SourceAddress_ConnectsFromIt()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = listener.AcceptSocketAsync();

        var result = await TestProbes.RunAsync(TestProbes.Tcp(port) with { SourceAddress = IPAddress.Parse("127.0.0.2") });

        result.Succeeded.Should().BeTrue(result.Detail);
        using var connection = await accepted.WaitAsync(TestProbes.Deadline);
        ((IPEndPoint)connection.RemoteEndPoint!).Address.Should().Be(IPAddress.Parse("127.0.0.2"));
    }

    [Fact]
    public async Task ProbeAsync_SourceAddressNotOnThisHost_FailsSayingSo()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        // 192.0.2.1 (TEST-NET-1) is on no interface here: bind(2) refuses it before any packet is sent.
        var result = await TestProbes.RunAsync(TestProbes.Tcp(port) with { SourceAddress = IPAddress.Parse("192.0.2.1") });

        result.Succeeded.Should().BeFalse();
        result.Detail.Should().Be("cannot connect from source 192.0.2.1: AddressNotAvailable");
    }

    [Fact]
    public async Task ProbeAsync_SourceOfAnotherFamilyThanTheTarget_FailsSayingSo()
    {
        var result = await TestProbes.RunAsync(TestProbes.Tcp(TestProbes.ClosedPort()) with { SourceAddress = IPAddress.IPv6Loopback });

        result.Succeeded.Should().BeFalse();
        result.Detail.Should().Be("127.0.0.1 has no IPv6 address to reach from source ::1");
    }

    [Fact]
    public async Task ProbeAsync_ClosedPort_FailsWithConnectionRefused()
    {
        var result = await TestProbes.RunAsync(TestProbes.Tcp(TestProbes.ClosedPort()));

        result.Failure.Should().Be(ProbeFailure.ConnectionRefused);
    }

    [Fact]
    public async Task ProbeAsync_UnresolvableHost_FailsWithDnsFailure()
    {
        var result = await TestProbes.RunAsync(TestProbes.Tcp(80, "nonexistent.invalid"));

        result.Failure.Should().Be(ProbeFailure.DnsFailure);
    }

    [Fact]
    public async Task ProbeAsync_AcceptQueueFull_FailsWithConnectTimeout()
    {
        using var listener = await SaturatedListener.StartAsync();
        listener.IsSaturated.Should().BeTrue("the kernel should drop SYNs to a listener with a full accept queue");
        var options = TestProbes.Tcp(listener.Port) with { ConnectTimeout = TimeSpan.FromMilliseconds(300) };

        var result = await TestProbes.RunAsync(options);

        result.Failure.Should().Be(ProbeFailure.ConnectTimeout);
        result.Latency.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(250)).And.BeLessThan(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ProbeAsync_CallerCancelled_ThrowsOperationCanceled()
    {
        using var listener = await SaturatedListener.StartAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        var act = () => TestProbes.RunAsync(TestProbes.Tcp(listener.Port), cancel.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task ProbeAsync_FakeClock_TakesTimesFromTimeProvider()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
            using var probe = ProbeFactory.Create(TestProbes.Tcp(((IPEndPoint)listener.LocalEndpoint).Port), clock);

            var result = await probe.ProbeAsync(CancellationToken.None).WaitAsync(TestProbes.Deadline);

            result.Succeeded.Should().BeTrue(result.Detail);
            result.Latency.Should().Be(TimeSpan.Zero);
            result.CompletedAt.Should().Be(clock.GetUtcNow());
        }
        finally
        {
            listener.Stop();
        }
    }
}
