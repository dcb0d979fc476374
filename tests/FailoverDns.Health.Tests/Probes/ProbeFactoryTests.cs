using FailoverDns.Health.Checks;
using FailoverDns.Health.Probes;

namespace FailoverDns.Health.Tests.Probes;

public sealed class ProbeFactoryTests
{
    [Theory]
    [InlineData(ProbeProtocol.Http, typeof(HttpProbe))]
    [InlineData(ProbeProtocol.Https, typeof(HttpProbe))]
    [InlineData(ProbeProtocol.Tcp, typeof(TcpProbe))]
    public void Create_Protocol_BuildsMatchingProbe(ProbeProtocol protocol, Type expected)
    {
        using var probe = ProbeFactory.Create(TestProbes.Http(8080) with { Protocol = protocol }, TimeProvider.System);

        probe.Should().BeOfType(expected);
    }

    [Fact]
    public void Create_UnknownProtocol_Throws()
    {
        var act = () => ProbeFactory.Create(TestProbes.Http(8080) with { Protocol = (ProbeProtocol)42 }, TimeProvider.System);

        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Create_NullOptions_Throws()
    {
        var act = () => ProbeFactory.Create(null!, TimeProvider.System);

        act.Should().Throw<ArgumentNullException>();
    }
}
