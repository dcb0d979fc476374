using System.Security.Cryptography.X509Certificates;
using FailoverDns.Health.Probes;
using FailoverDns.Testing.Http;

namespace FailoverDns.Health.Tests.Probes;

public sealed class HttpsProbeTests : IDisposable
{
    private readonly X509Certificate2 _certificate = TestCertificates.SelfSigned("probe.test");

    public void Dispose() => _certificate.Dispose();

    [Fact]
    public async Task ProbeAsync_SelfSignedWithoutValidation_Succeeds()
    {
        await using var server = LoopbackHttpServer.Start(ServerReply.WithStatus(200), _certificate);

        var result = await TestProbes.RunAsync(TestProbes.Https(server.Port));

        result.Succeeded.Should().BeTrue(result.Detail);
        result.StatusCode.Should().Be(200);
    }

    [Fact]
    public async Task ProbeAsync_SelfSignedWithValidation_FailsWithTlsError()
    {
        await using var server = LoopbackHttpServer.Start(ServerReply.WithStatus(200), _certificate);
        var options = TestProbes.Https(server.Port) with { HostHeader = "probe.test", ValidateCertificate = true };

        var result = await TestProbes.RunAsync(options);

        result.Failure.Should().Be(ProbeFailure.TlsError);
        result.Detail.Should().StartWith("certificate: RemoteCertificateChainErrors").And.NotContain("NameMismatch");
        server.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task ProbeAsync_WrongNameWithValidation_ReportsNameMismatch()
    {
        await using var server = LoopbackHttpServer.Start(ServerReply.WithStatus(200), _certificate);
        var options = TestProbes.Https(server.Port) with { HostHeader = "other.test", ValidateCertificate = true };

        var result = await TestProbes.RunAsync(options);

        result.Failure.Should().Be(ProbeFailure.TlsError);
        result.Detail.Should().Contain("RemoteCertificateNameMismatch");
    }

    [Fact]
    public async Task ProbeAsync_LeafOfTrustedInternalCa_Succeeds()
    {
        using var authority = TestCertificates.Authority("Internal Test CA");
        using var leaf = TestCertificates.IssuedBy(authority, "probe.test");
        await using var server = LoopbackHttpServer.Start(ServerReply.WithStatus(200), leaf);
        using var caOnly = X509CertificateLoader.LoadCertificate(authority.RawData);
        var options = TestProbes.Https(server.Port) with { HostHeader = "probe.test", ValidateCertificate = true, TrustedCertificates = [caOnly] };

        var result = await TestProbes.RunAsync(options);

        result.Succeeded.Should().BeTrue(result.Detail);
        server.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task ProbeAsync_LeafOfInternalCaNotTrusted_FailsWithChainError()
    {
        using var authority = TestCertificates.Authority("Internal Test CA");
        using var leaf = TestCertificates.IssuedBy(authority, "probe.test");
        using var otherAuthority = TestCertificates.Authority("Some Other CA");
        await using var server = LoopbackHttpServer.Start(ServerReply.WithStatus(200), leaf);
        var systemTrust = TestProbes.Https(server.Port) with { HostHeader = "probe.test", ValidateCertificate = true };

        var withSystemRoots = await TestProbes.RunAsync(systemTrust);
        var withAnotherCa = await TestProbes.RunAsync(systemTrust with { TrustedCertificates = [otherAuthority] });

        withSystemRoots.Failure.Should().Be(ProbeFailure.TlsError);
        withSystemRoots.Detail.Should().StartWith("certificate: RemoteCertificateChainErrors");
        withAnotherCa.Failure.Should().Be(ProbeFailure.TlsError);
        withAnotherCa.Detail.Should().StartWith("certificate: RemoteCertificateChainErrors");
        server.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task ProbeAsync_TrustedCaButWrongName_ReportsNameMismatch()
    {
        using var authority = TestCertificates.Authority("Internal Test CA");
        using var leaf = TestCertificates.IssuedBy(authority, "probe.test");
        await using var server = LoopbackHttpServer.Start(ServerReply.WithStatus(200), leaf);
        var options = TestProbes.Https(server.Port) with { HostHeader = "other.test", ValidateCertificate = true, TrustedCertificates = [authority] };

        var result = await TestProbes.RunAsync(options);

        result.Failure.Should().Be(ProbeFailure.TlsError);
        result.Detail.Should().Be("certificate: RemoteCertificateNameMismatch", "the chain is trusted; only the name is wrong");
    }

    [Fact]
    public async Task ProbeAsync_ExpiredWithoutValidation_Succeeds()
    {
        using var expired = TestCertificates.Expired("probe.test");
        await using var server = LoopbackHttpServer.Start(ServerReply.WithStatus(200), expired);

        var result = await TestProbes.RunAsync(TestProbes.Https(server.Port));

        result.Succeeded.Should().BeTrue(result.Detail);
    }

    [Fact]
    public async Task ProbeAsync_ExpiredWithValidation_FailsWithTlsError()
    {
        using var expired = TestCertificates.Expired("probe.test");
        await using var server = LoopbackHttpServer.Start(ServerReply.WithStatus(200), expired);
        var options = TestProbes.Https(server.Port) with { HostHeader = "probe.test", ValidateCertificate = true };

        var result = await TestProbes.RunAsync(options);

        result.Failure.Should().Be(ProbeFailure.TlsError);
        result.Detail.Should().Contain("NotTimeValid");
    }

    [Fact]
    public async Task ProbeAsync_HostNameTarget_SendsItAsSni()
    {
        await using var server = LoopbackHttpServer.Start(ServerReply.WithStatus(200), _certificate);

        var result = await TestProbes.RunAsync(TestProbes.Https(server.Port, "localhost"));

        result.Succeeded.Should().BeTrue(result.Detail);
        server.SniNames.Should().Equal("localhost");
    }

    [Fact]
    public async Task ProbeAsync_HostHeaderWithPort_SendsHostNameAsSni()
    {
        await using var server = LoopbackHttpServer.Start(ServerReply.WithStatus(200), _certificate);
        var options = TestProbes.Https(server.Port) with { HostHeader = $"www.probe.test:{server.Port}" };

        var result = await TestProbes.RunAsync(options);

        result.Succeeded.Should().BeTrue(result.Detail);
        server.SniNames.Should().Equal("www.probe.test");
        server.Requests.Should().ContainSingle().Which.Headers["Host"].Should().Be($"www.probe.test:{server.Port}");
    }

    [Fact]
    public async Task ProbeAsync_ServerName_OverridesHostHeaderForSni()
    {
        await using var server = LoopbackHttpServer.Start(ServerReply.WithStatus(200), _certificate);
        var options = TestProbes.Https(server.Port) with { HostHeader = "www.probe.test", ServerName = "sni.probe.test" };

        var result = await TestProbes.RunAsync(options);

        result.Succeeded.Should().BeTrue(result.Detail);
        server.SniNames.Should().Equal("sni.probe.test");
        server.Requests.Should().ContainSingle().Which.Headers["Host"].Should().Be("www.probe.test");
    }

    [Fact]
    public async Task ProbeAsync_SniOff_SendsNoSni()
    {
        await using var server = LoopbackHttpServer.Start(ServerReply.WithStatus(200), _certificate);
        var options = TestProbes.Https(server.Port, "localhost") with { HostHeader = "probe.test", Sni = false };

        var result = await TestProbes.RunAsync(options);

        result.Succeeded.Should().BeTrue(result.Detail);
        server.SniNames.Should().Equal([null]);
        server.Requests.Should().ContainSingle().Which.Headers["Host"].Should().Be("probe.test");
    }

    [Fact]
    public async Task ProbeAsync_SniOffWithValidation_ChecksNameAgainstHostHeader()
    {
        await using var server = LoopbackHttpServer.Start(ServerReply.WithStatus(200), _certificate);
        var matching = TestProbes.Https(server.Port) with { HostHeader = "probe.test", Sni = false, ValidateCertificate = true };
        var mismatching = matching with { HostHeader = "other.test" };

        var matched = await TestProbes.RunAsync(matching);
        var mismatched = await TestProbes.RunAsync(mismatching);

        // The chain is untrusted either way (self-signed); only the name verdict differs.
        matched.Detail.Should().StartWith("certificate: RemoteCertificateChainErrors").And.NotContain("NameMismatch");
        mismatched.Detail.Should().Contain("RemoteCertificateNameMismatch");
        server.SniNames.Should().Equal([null, null]);
    }

    [Fact]
    public async Task ProbeAsync_UnhealthyStatusOverTls_FailsWithStatusCode()
    {
        await using var server = LoopbackHttpServer.Start(ServerReply.WithStatus(503), _certificate);

        var result = await TestProbes.RunAsync(TestProbes.Https(server.Port));

        result.Failure.Should().Be(ProbeFailure.StatusCode);
        result.StatusCode.Should().Be(503);
    }

    [Fact]
    public async Task ProbeAsync_ServerNotSpeakingTls_FailsWithTlsError()
    {
        await using var server = LoopbackHttpServer.Start(new ServerReply { Behaviour = ServerBehaviour.Garbage });

        var result = await TestProbes.RunAsync(TestProbes.Https(server.Port));

        result.Failure.Should().Be(ProbeFailure.TlsError);
        result.Detail.Should().StartWith("TLS handshake failed");
    }

    [Fact]
    public async Task ProbeAsync_ServerNeverHandshakes_FailsWithResponseTimeout()
    {
        await using var server = LoopbackHttpServer.Start(new ServerReply { Behaviour = ServerBehaviour.NoTlsHandshake }, _certificate);
        var options = TestProbes.Https(server.Port) with { ResponseTimeout = TimeSpan.FromMilliseconds(300) };

        var result = await TestProbes.RunAsync(options);

        result.Failure.Should().Be(ProbeFailure.ResponseTimeout);
        result.Detail.Should().Be("no TLS handshake within 300ms");
    }

    [Fact]
    public async Task ProbeAsync_ServerNeverAnswersAfterHandshake_FailsWithResponseTimeout()
    {
        await using var server = LoopbackHttpServer.Start(new ServerReply { Behaviour = ServerBehaviour.NeverRespond }, _certificate);
        var options = TestProbes.Https(server.Port) with { ResponseTimeout = TimeSpan.FromMilliseconds(300) };

        var result = await TestProbes.RunAsync(options);

        result.Failure.Should().Be(ProbeFailure.ResponseTimeout);
        result.Detail.Should().Be("no response within 300ms");
    }
}
