using FailoverDns.Health.Probes;
using Microsoft.Extensions.Time.Testing;

namespace FailoverDns.Health.Tests.Probes;

public sealed class HttpProbeAttemptTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UnixEpoch);

    [Fact]
    public void Deadline_BeforeConnection_IsConnectPlusResponseTimeout()
    {
        using var attempt = new HttpProbeAttempt(TestProbes.Http(80) with { ConnectTimeout = TimeSpan.FromSeconds(4), ResponseTimeout = TimeSpan.FromSeconds(2) }, _clock, CancellationToken.None);

        _clock.Advance(TimeSpan.FromMilliseconds(5999));
        attempt.Token.IsCancellationRequested.Should().BeFalse();
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        attempt.Token.IsCancellationRequested.Should().BeTrue();
        attempt.DeadlineExpired.Should().BeTrue();
    }

    [Fact]
    public void Connected_RestartsDeadlineAsResponseTimeoutOnTheInjectedClock()
    {
        using var attempt = new HttpProbeAttempt(TestProbes.Http(80) with { ConnectTimeout = TimeSpan.FromSeconds(4), ResponseTimeout = TimeSpan.FromSeconds(2) }, _clock, CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(3));

        attempt.Connected(HttpProbePhase.AwaitingResponse);
        _clock.Advance(TimeSpan.FromMilliseconds(1999));
        attempt.Token.IsCancellationRequested.Should().BeFalse();
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        attempt.Token.IsCancellationRequested.Should().BeTrue();
        attempt.Phase.Should().Be(HttpProbePhase.AwaitingResponse);
    }

    [Fact]
    public void Fail_CalledTwice_KeepsFirstFailure()
    {
        using var attempt = new HttpProbeAttempt(TestProbes.Http(80), _clock, CancellationToken.None);

        attempt.Fail(ProbeFailure.TlsError, "certificate: RemoteCertificateChainErrors");
        attempt.Fail(ProbeFailure.TlsError, "TLS handshake failed: rejected");

        attempt.Failure!.Detail.Should().Be("certificate: RemoteCertificateChainErrors");
    }

    [Fact]
    public void Token_CallerCancels_IsCancelledWithoutDeadline()
    {
        using var caller = new CancellationTokenSource();
        using var attempt = new HttpProbeAttempt(TestProbes.Http(80), _clock, caller.Token);

        caller.Cancel();

        attempt.Token.IsCancellationRequested.Should().BeTrue();
        attempt.DeadlineExpired.Should().BeFalse();
    }
}
