using System.Net;
using FailoverDns.Server.Admin;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Admin;

/// <summary>Which Host headers the admin API answers, for each kind of listen address.</summary>
public sealed class AdminHostPolicyTests
{
    [Theory]
    [InlineData("0.0.0.0", "203.0.113.7", true)]
    [InlineData("0.0.0.0", "[2001:db8::7]", true)]
    [InlineData("0.0.0.0", "localhost", true)]
    [InlineData("0.0.0.0", "rebound.attacker.example", false)]
    [InlineData("0.0.0.0", "admin.example.com", true)]
    [InlineData("192.0.2.10", "192.0.2.10", true)]
    [InlineData("192.0.2.10", "192.0.2.11", false)]
    [InlineData("192.0.2.10", "localhost", false)]
    [InlineData("192.0.2.10", "ADMIN.example.com", true)]
    [InlineData("::1", "[::1]", true)]
    [InlineData("::1", "127.0.0.1", true)]
    [InlineData("::ffff:127.0.0.1", "127.0.0.1", true)]
    [InlineData("127.0.0.1", "", true)]
    [InlineData("127.0.0.1", "bad host name", false)]
    public void Allows_HostHeader_OnlyTheListenAddressAndConfiguredNames(string listen, string host, bool allowed)
    {
        var policy = new AdminHostPolicy(new IPEndPoint(IPAddress.Parse(listen), 8053), ["admin.example.com"]);

        policy.Allows(host).Should().Be(allowed);
    }
}
