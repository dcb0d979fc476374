using System.Net;
using FailoverDns.Configuration;
using FailoverDns.Protocol;
using FailoverDns.Server.Query;
using FluentAssertions;
using Microsoft.Extensions.Time.Testing;

namespace FailoverDns.Server.Tests.Query;

public sealed class ResponseRateLimiterTests
{
    private static readonly byte[] Www = DnsName.Parse("www.example.test.")!;
    private static readonly byte[] ZoneOrigin = DnsName.Parse("example.test.")!;

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>A limiter on the test clock with a fixed seed: with a random one, keys that a test needs apart would share a bucket in about one run of 170 (1,024 buckets).</summary>
    private ResponseRateLimiter Limiter(RateLimitOptions options) => new(options, _clock, seed: 0x5EED);

    private static RateLimitOptions Options(int rate = 10, int slip = 0, int window = 1, int tableSize = 1024) =>
        new() { ResponsesPerSecond = rate, Slip = slip, Window = window, TableSize = tableSize, Whitelist = [] };

    /// <summary>The sockaddr the kernel would hand the listener for a datagram from <paramref name="address"/>.</summary>
    private static byte[] Peer(string address)
    {
        var sockaddr = new IPEndPoint(IPAddress.Parse(address), 4242).Serialize();
        return sockaddr.Buffer[..sockaddr.Size].ToArray();
    }

    private static (int Sent, int Slipped, int Dropped) Flood(ResponseRateLimiter limiter, int count, string peer = "192.0.2.1", ResponseKind kind = ResponseKind.Answer, byte[]? name = null, ushort type = 1)
    {
        var address = Peer(peer);
        var verdicts = Enumerable.Range(0, count).Select(_ => limiter.Check(address, kind, name ?? Www, type)).ToList();
        return (verdicts.Count(v => v == RateLimitVerdict.Send), verdicts.Count(v => v == RateLimitVerdict.Slip), verdicts.Count(v => v == RateLimitVerdict.Drop));
    }

    [Fact]
    public void Check_FloodOverSimulatedSeconds_SendsTheRateEachSecond()
    {
        var limiter = Limiter(Options(rate: 10));

        for (var second = 0; second < 5; second++)
        {
            Flood(limiter, 100).Sent.Should().Be(10, $"second {second} gets the rate and no more");
            _clock.Advance(TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public void Check_QuietSeconds_DoNotAccumulateABurst()
    {
        var limiter = Limiter(Options(rate: 10));
        Flood(limiter, 5);

        _clock.Advance(TimeSpan.FromSeconds(30));

        Flood(limiter, 100).Sent.Should().Be(10, "a bucket holds at most one second's rate");
    }

    [Fact]
    public void Check_Window_KeepsAFloodLimitedUntilItStops()
    {
        var limiter = Limiter(Options(rate: 10, window: 5));

        Flood(limiter, 100).Sent.Should().Be(10);
        for (var second = 1; second < 4; second++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            Flood(limiter, 100).Sent.Should().Be(0, "the flood owes the window's worth of responses");
        }

        // Quiet for the window: the debt is paid and the rate is back.
        _clock.Advance(TimeSpan.FromSeconds(5));
        Flood(limiter, 100).Sent.Should().Be(10);
    }

    [Theory]
    [InlineData(0, 0, 90)]
    [InlineData(1, 90, 0)]
    [InlineData(2, 45, 45)]
    [InlineData(3, 30, 60)]
    public void Check_Slip_TruncatesEveryNthLimitedResponse(int slip, int slipped, int dropped)
    {
        var limiter = Limiter(Options(rate: 10, slip: slip));

        Flood(limiter, 100).Should().Be((10, slipped, dropped));
    }

    [Fact]
    public void Check_Ipv4SameSlash24_SharesOneLimit()
    {
        var limiter = Limiter(Options(rate: 10));

        Flood(limiter, 6, "192.0.2.1").Sent.Should().Be(6);
        Flood(limiter, 6, "192.0.2.200").Sent.Should().Be(4, "192.0.2.1 and 192.0.2.200 are one /24");
        Flood(limiter, 6, "192.0.3.1").Sent.Should().Be(6, "another /24 has its own limit");
    }

    [Fact]
    public void Check_Ipv6SameSlash56_SharesOneLimit()
    {
        var limiter = Limiter(Options(rate: 10));

        Flood(limiter, 6, "2001:db8:0:1::1").Sent.Should().Be(6);
        Flood(limiter, 6, "2001:db8:0:ff:1:2:3:4").Sent.Should().Be(4, "both are in 2001:db8:0:0::/56");
        Flood(limiter, 6, "2001:db8:0:100::1").Sent.Should().Be(6, "2001:db8:0:100::/56 is another prefix");
    }

    [Fact]
    public void Check_V4MappedIpv6_CountsAsIpv4()
    {
        var limiter = Limiter(Options(rate: 10));

        Flood(limiter, 6, "192.0.2.1").Sent.Should().Be(6);
        Flood(limiter, 6, "::ffff:192.0.2.9").Sent.Should().Be(4);
    }

    [Fact]
    public void Check_PrefixLengths_AreConfigurable()
    {
        var limiter = Limiter(Options(rate: 10) with { Ipv4PrefixLength = 32, Ipv6PrefixLength = 128 });

        Flood(limiter, 10, "192.0.2.1").Sent.Should().Be(10);
        Flood(limiter, 10, "192.0.2.2").Sent.Should().Be(10);
        Flood(limiter, 10, "2001:db8::1").Sent.Should().Be(10);
        Flood(limiter, 10, "2001:db8::2").Sent.Should().Be(10);
    }

    [Fact]
    public void Check_Whitelisted_IsNeverLimited()
    {
        var limiter = Limiter(Options(rate: 10) with { Whitelist = [IPNetwork.Parse("198.51.100.0/24"), IPNetwork.Parse("2001:db8:1::/48")] });

        Flood(limiter, 1000, "198.51.100.7").Sent.Should().Be(1000);
        Flood(limiter, 1000, "2001:db8:1:2::3").Sent.Should().Be(1000);
        Flood(limiter, 1000, "198.51.101.7").Sent.Should().Be(10);
    }

    [Fact]
    public void Check_DefaultWhitelist_ExemptsLoopbackOnly()
    {
        var limiter = Limiter(new RateLimitOptions { ResponsesPerSecond = 10 });

        Flood(limiter, 1000, "127.0.0.2").Sent.Should().Be(1000);
        Flood(limiter, 1000, "::1").Sent.Should().Be(1000);
        Flood(limiter, 1000, "192.0.2.1").Sent.Should().Be(10);
    }

    [Fact]
    public void Check_NameCase_IsOneKey()
    {
        var limiter = Limiter(Options(rate: 10));

        Flood(limiter, 6, name: DnsName.Parse("www.example.test.")!).Sent.Should().Be(6);
        Flood(limiter, 6, name: DnsName.Parse("WwW.ExAmPlE.TeSt.")!).Sent.Should().Be(4, "names match case-insensitively");
    }

    [Fact]
    public void Check_AnswersByNameAndType_AreSeparateKeys()
    {
        var limiter = Limiter(Options(rate: 10));

        Flood(limiter, 10, type: 1).Sent.Should().Be(10);
        Flood(limiter, 10, type: 28).Sent.Should().Be(10);
        Flood(limiter, 10, name: DnsName.Parse("api.example.test.")!).Sent.Should().Be(10);
        Flood(limiter, 10, kind: ResponseKind.NoData).Sent.Should().Be(10);
    }

    [Fact]
    public void Check_NxDomainUnderOneZone_IsOneKeyWhateverTheName()
    {
        var limiter = Limiter(Options(rate: 10));

        // The query processor passes the zone for NXDOMAIN, so random names share it.
        var sent = Enumerable.Range(0, 100).Count(_ => limiter.Check(Peer("192.0.2.1"), ResponseKind.NxDomain, ZoneOrigin, 1) == RateLimitVerdict.Send);

        sent.Should().Be(10);
        Flood(limiter, 10, kind: ResponseKind.Referral, name: ZoneOrigin).Sent.Should().Be(10, "referrals are another kind");
    }

    [Fact]
    public void Check_ManyKeysInATinyTable_NeverExceedTheRatePerBucket()
    {
        var limiter = Limiter(Options(rate: 10, tableSize: 4));
        limiter.TableSize.Should().Be(4);
        var names = Enumerable.Range(0, 500).Select(i => DnsName.Parse($"host{i}.example.test.")!).ToList();
        var peer = Peer("192.0.2.1");

        for (var second = 0; second < 3; second++)
        {
            var sent = 0;
            for (var round = 0; round < 10; round++)
            {
                sent += names.Count(name => limiter.Check(peer, ResponseKind.Answer, name, 1) == RateLimitVerdict.Send);
            }

            sent.Should().BeLessThanOrEqualTo(4 * 10, $"second {second}: colliding keys share their bucket's rate");
            sent.Should().BeGreaterThan(0);
            _clock.Advance(TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public void Check_NoPeerAddress_IsSent()
    {
        var limiter = Limiter(Options(rate: 1));

        Enumerable.Range(0, 10).Select(_ => limiter.Check(default, ResponseKind.Answer, Www, 1)).Should().AllBeEquivalentTo(RateLimitVerdict.Send);
    }
}
