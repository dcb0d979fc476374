using System.Net;
using FailoverDns.Protocol;
using FailoverDns.Testing;
using FailoverDns.Zones;
using FailoverDns.Zones.Lookup;
using FailoverDns.Zones.Text;

namespace FailoverDns.Configuration.Tests;

public sealed class ConfigLoaderTests
{
    private static string SampleConfig => Path.Combine(AppContext.BaseDirectory, "config", "failoverdns.yaml");

    [Fact]
    public void Load_SampleConfig_ReadsEverySection()
    {
        var result = ConfigLoader.Load(SampleConfig);

        result.Errors.Should().BeEmpty();
        result.Succeeded.Should().BeTrue();
        var config = result.Config!;
        config.SourceFile.Should().Be(SampleConfig);
        config.Listen.Select(l => (l.ToString(), l.Udp, l.Tcp)).Should().Equal(
            ("127.0.0.1:5300", true, true),
            ("[::1]:5300", true, true));
        config.Listen[0].Location.Line.Should().Be(8);
        config.Server.UdpWorkers.Should().Be(0);
        config.Server.TcpIdleTimeout.Should().Be(TimeSpan.FromSeconds(10));
        config.Server.TcpMaxConnections.Should().Be(1000);
        config.Logging.Should().Be(new LoggingOptions { Level = "Information", Format = "text", Queries = false });
        config.Zones.Select(z => (z.Name, z.Records.Count)).Should().Equal(
            ("example.test.", 23), // SOA + 2 NS from 'nameservers' + 20 from 'records'
            ("2.0.192.in-addr.arpa.", 6));
    }

    [Fact]
    public void Load_SampleConfig_BuildsServableSnapshot()
    {
        var snapshot = ConfigLoader.Load(SampleConfig).Snapshot!;

        snapshot.Zones.Select(z => (z.Name, z.RecordCount, z.Serial)).Should().Equal(
            ("example.test.", 23, 2026112101u),
            ("2.0.192.in-addr.arpa.", 6, 2026112101u));
        var example = snapshot.Zones[0];
        ZoneText.Format(example.Origin, example.Soa).Should().Equal(
            "example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 2026112101 3600 900 1209600 300");
        ZoneText.Format(example.Origin, example.NegativeSoa).Should().Equal(
            "example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 2026112101 3600 900 1209600 300");

        Answer(snapshot, "www.example.test.", RecordType.A).Should().Equal("www.example.test. 60 IN A 192.0.2.1");
        Answer(snapshot, "example.test.", RecordType.MX).Should().Equal(
            "example.test. 300 IN MX 10 mail.example.test.",
            "example.test. 300 IN MX 20 mail2.example.test.");
        Answer(snapshot, "example.test.", RecordType.TXT).Should().Equal("example.test. 300 IN TXT \"v=spf1 mx -all\"");
        Answer(snapshot, "example.test.", RecordType.CAA).Should().Equal("example.test. 300 IN CAA 0 issue \"letsencrypt.org\"");
        Answer(snapshot, "ftp.example.test.", RecordType.A).Should().Equal("ftp.example.test. 300 IN CNAME www.example.test.");
        Answer(snapshot, "_sip._udp.example.test.", RecordType.SRV).Should().Equal("_sip._udp.example.test. 300 IN SRV 10 5 5060 sip.example.test.");
        Answer(snapshot, "shop.customers.example.test.", RecordType.A).Should().Equal("shop.customers.example.test. 300 IN A 192.0.2.80");
        Answer(snapshot, "api.example.test.", RecordType.A).Should().Equal(
            "api.example.test. 300 IN A 192.0.2.2",
            "api.example.test. 300 IN A 192.0.2.3");
        Answer(snapshot, "10.2.0.192.in-addr.arpa.", RecordType.PTR).Should().Equal("10.2.0.192.in-addr.arpa. 3600 IN PTR example.test.");
        ZoneLookup.Find(snapshot, ZoneText.Name("www.lab.example.test."), RecordType.A).Outcome.Should().Be(LookupOutcome.Referral);
    }

    [Fact]
    public void LoadText_MinimalConfig_UsesDefaults()
    {
        var result = ConfigLoader.LoadText("""
            zones:
              - name: example.test
                soa: {}
                nameservers: [ns1.example.net., ns2.example.net.]
            """, "min.yaml");

        result.Errors.Should().BeEmpty();
        var config = result.Config!;
        config.Listen.Select(l => l.ToString()).Should().Equal("0.0.0.0:53", "[::]:53");
        config.Listen.Should().OnlyContain(l => l.Udp && l.Tcp);
        config.Server.Should().Be(new ServerOptions());
        config.Server.TcpIdleTimeout.Should().Be(TimeSpan.FromSeconds(10));
        config.Server.TcpMaxConnections.Should().Be(1000);
        config.Logging.Should().Be(new LoggingOptions());
        config.Logging.Level.Should().Be("Information");
        config.Logging.Format.Should().Be("text");
        Records(result).Should().Equal(
            // SOA defaults: primary = first name server, email hostmaster@<zone>, serial 1,
            // refresh 1h, retry 15m, expire 2w, negative TTL 5m; TTL = the zone's (default 1h).
            "example.test. 3600 IN SOA ns1.example.net. hostmaster.example.test. 1 3600 900 1209600 300",
            "example.test. 3600 IN NS ns1.example.net.",
            "example.test. 3600 IN NS ns2.example.net.");
    }

    [Theory]
    [InlineData("hostmaster@example.test", "hostmaster.example.test.")]
    [InlineData("hostmaster@example.test.", "hostmaster.example.test.")]
    [InlineData("dns-admin@other.example", "dns-admin.other.example.")]
    [InlineData("john.doe@example.test", @"john\.doe.example.test.")] // RFC 1035 §8: a dot in the local part is escaped
    [InlineData("hostmaster", "hostmaster.example.test.")]
    [InlineData("admin.example.net.", "admin.example.net.")]
    public void LoadText_SoaEmail_BecomesRname(string email, string rname)
    {
        var result = ConfigLoader.LoadText($$"""
            zones:
              - name: example.test
                soa: { email: "{{email}}" }
                nameservers: [ns1.example.net.]
            """, "t.yaml");

        result.Errors.Should().BeEmpty();
        Records(result)[0].Should().Be($"example.test. 3600 IN SOA ns1.example.net. {rname} 1 3600 900 1209600 300");
    }

    [Fact]
    public void LoadText_SoaFields_AllConfigurable()
    {
        var result = ConfigLoader.LoadText("""
            zones:
              - name: example.test
                ttl: 5m
                soa:
                  primary: dns1.example.net.
                  email: noc@example.net
                  serial: 4294967295
                  refresh: 2h
                  retry: 10m
                  expire: 4w
                  negativeTtl: 1m
                  ttl: 1d
                nameservers: ns1.example.net.
            """, "t.yaml");

        result.Errors.Should().BeEmpty();
        Records(result).Should().Equal(
            "example.test. 86400 IN SOA dns1.example.net. noc.example.net. 4294967295 7200 600 2419200 60",
            "example.test. 300 IN NS ns1.example.net.");
        result.Snapshot!.Zones[0].NegativeSoa.Ttl.Should().Be(60, "min(SOA TTL 86400, MINIMUM 60) (RFC 2308 §3)");
    }

    [Fact]
    public void LoadText_SoaPrimaryFromSingleNameserver_IsThatNameserver()
    {
        var result = ConfigLoader.LoadText("""
            zones:
              - name: example.test
                soa: {}
                nameservers: ns1
                records: [{ name: ns1, type: A, value: 192.0.2.53 }]
            """, "t.yaml");

        Records(result)[0].Should().StartWith("example.test. 3600 IN SOA ns1.example.test. hostmaster.example.test. ");
    }

    [Fact]
    public void LoadText_TtlDurations_Parsed()
    {
        var result = ConfigLoader.LoadText("""
            zones:
              - name: example.test
                ttl: 5m
                soa: {}
                nameservers: [ns1.example.net.]
                records:
                  - { name: a, type: A, value: 192.0.2.1 }
                  - { name: b, type: A, ttl: 1h30m, value: 192.0.2.2 }
                  - { name: c, type: A, ttl: 30, value: 192.0.2.3 }
                  - { name: d, type: A, ttl: 0, value: 192.0.2.4 }
                  - { name: e, type: A, ttl: 2147483647, value: 192.0.2.5 }
            """, "t.yaml");

        result.Errors.Should().BeEmpty();
        Records(result).Skip(2).Should().Equal(
            "a.example.test. 300 IN A 192.0.2.1",
            "b.example.test. 5400 IN A 192.0.2.2",
            "c.example.test. 30 IN A 192.0.2.3",
            "d.example.test. 0 IN A 192.0.2.4",
            "e.example.test. 2147483647 IN A 192.0.2.5");
    }

    [Fact]
    public void LoadText_RelativeNamesAndAt_CompletedWithZoneName()
    {
        var result = ConfigLoader.LoadText("""
            zones:
              - name: Example.TEST.
                soa: {}
                nameservers: [ns1, ns2.example.net.]
                records:
                  - { name: "@", type: MX, values: ["10 mail", "20 mx.example.net."] }
                  - { name: "@", type: A, value: 192.0.2.1 }
                  - { name: "", type: TXT, value: apex }
                  - { name: www, type: CNAME, value: "@" }
                  - { name: ftp, type: CNAME, value: www }
                  - { name: a.b, type: SRV, value: 0 0 443 c.d }
                  - { name: abs.example.test., type: A, value: 192.0.2.2 }
                  - { name: ns1, type: A, value: 192.0.2.53 }
            """, "t.yaml");

        result.Errors.Should().BeEmpty();
        result.Config!.Zones[0].Name.Should().Be("example.test.", "zone names are lowercased");
        Records(result).Should().Equal(
            "example.test. 3600 IN SOA ns1.example.test. hostmaster.example.test. 1 3600 900 1209600 300",
            "example.test. 3600 IN NS ns1.example.test.",
            "example.test. 3600 IN NS ns2.example.net.",
            "example.test. 3600 IN MX 10 mail.example.test.",
            "example.test. 3600 IN MX 20 mx.example.net.",
            "example.test. 3600 IN A 192.0.2.1",
            "example.test. 3600 IN TXT \"apex\"",
            "www.example.test. 3600 IN CNAME example.test.",
            "ftp.example.test. 3600 IN CNAME www.example.test.",
            "a.b.example.test. 3600 IN SRV 0 0 443 c.d.example.test.",
            "abs.example.test. 3600 IN A 192.0.2.2",
            "ns1.example.test. 3600 IN A 192.0.2.53");
    }

    [Fact]
    public void LoadText_RecordLocations_PointAtEachValue()
    {
        var result = ConfigLoader.LoadText("""
            zones:
              - name: example.test
                soa: {}
                nameservers: [ns1.example.net.]
                records:
                  - name: www
                    type: A
                    values:
                      - 192.0.2.1
                      - 192.0.2.2
            """, "t.yaml");

        var records = result.Config!.Zones[0].Records;
        records.Select(r => r.Location.ToString()).Should().Equal("t.yaml:3:10", "t.yaml:4:19", "t.yaml:9:13", "t.yaml:10:13");
    }

    [Fact]
    public void LoadText_ZoneFile_ResolvedNextToTheConfig()
    {
        using var dir = new TempDirectory();
        dir.Write("zones/example.test.zone", """
            $TTL 300
            @ SOA ns1 hostmaster 7 1h 15m 2w 5m
              NS ns1
            ns1 A 192.0.2.53
            """);
        var config = dir.Write("failoverdns.yaml", """
            zones:
              - name: example.test
                file: zones/example.test.zone
                records:
                  - { name: www, type: A, value: 192.0.2.1 }
            """);

        var result = ConfigLoader.Load(config);

        result.Errors.Should().BeEmpty();
        Records(result).Should().Equal(
            "example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 7 3600 900 1209600 300",
            "example.test. 300 IN NS ns1.example.test.",
            "ns1.example.test. 300 IN A 192.0.2.53",
            "www.example.test. 3600 IN A 192.0.2.1");
    }

    [Fact]
    public void LoadText_ZoneTtl_IsZoneFileDefault()
    {
        using var dir = new TempDirectory();
        dir.Write("z.zone", "@ SOA ns1 hostmaster 1 1 1 1 1\n  NS ns1\nns1 A 192.0.2.53\n");
        var config = dir.Write("c.yaml", "zones:\n  - { name: example.test, ttl: 2h, file: z.zone }\n");

        Records(ConfigLoader.Load(config)).Should().OnlyContain(r => r.Contains(" 7200 IN "));
    }

    [Fact]
    public void LoadText_ListenForms_AllAccepted()
    {
        var result = ConfigLoader.LoadText("""
            listen:
              - 127.0.0.1:5300
              - "[::1]:5300"
              - 192.0.2.1
              - "::"
              - { address: 0.0.0.0, port: 5353, protocols: [udp] }
              - address: "::1"
                protocols: [TCP]
              - { address: 127.0.0.2, port: 0, protocols: [udp, tcp] }
            zones:
              - { name: example.test, soa: {}, nameservers: [ns1.example.net.] }
            """, "t.yaml");

        result.Errors.Should().BeEmpty();
        result.Config!.Listen.Select(l => (l.Address, l.Port, l.Udp, l.Tcp)).Should().Equal(
            (IPAddress.Parse("127.0.0.1"), 5300, true, true),
            (IPAddress.Parse("::1"), 5300, true, true),
            (IPAddress.Parse("192.0.2.1"), 53, true, true),
            (IPAddress.IPv6Any, 53, true, true),
            (IPAddress.Any, 5353, true, false),
            (IPAddress.IPv6Loopback, 53, false, true),
            (IPAddress.Parse("127.0.0.2"), 0, true, true));
        result.Config.Listen[4].EndPoint.Should().Be(new IPEndPoint(IPAddress.Any, 5353));
    }

    [Fact]
    public void LoadText_EmptyListenList_ListensNowhere()
    {
        var result = ConfigLoader.LoadText("listen: []\nzones:\n  - { name: example.test, soa: {}, nameservers: [ns1.example.net.] }\n", "t.yaml");

        result.Errors.Should().BeEmpty();
        result.Config!.Listen.Should().BeEmpty("only an absent 'listen' means the defaults");
    }

    [Fact]
    public void LoadText_ServerAndLoggingSettings_Read()
    {
        var result = ConfigLoader.LoadText("""
            server:
              udpWorkers: 4
              tcpIdleTimeout: 1m30s
              tcpMaxConnections: 50
            logging:
              level: Debug
              format: json
              queries: true
            zones:
              - { name: example.test, soa: {}, nameservers: [ns1.example.net.] }
            """, "t.yaml");

        result.Errors.Should().BeEmpty();
        result.Config!.Server.UdpWorkers.Should().Be(4);
        result.Config.Server.TcpIdleTimeout.Should().Be(TimeSpan.FromSeconds(90));
        result.Config.Server.TcpMaxConnections.Should().Be(50);
        result.Config.Logging.Should().Be(new LoggingOptions { Level = "Debug", Format = "json", Queries = true });
    }

    [Fact]
    public void LoadText_SeveralZones_AllServed()
    {
        var result = ConfigLoader.LoadText("""
            zones:
              - { name: example.test, soa: {}, nameservers: [ns1.example.net.] }
              - { name: sub.example.test, soa: {}, nameservers: [ns1.example.net.] }
              - { name: example.net, soa: {}, nameservers: [ns1.example.net.], records: [{ name: ns1, type: A, value: 192.0.2.53 }] }
            """, "t.yaml");

        result.Errors.Should().BeEmpty();
        result.Snapshot!.Zones.Select(z => z.Name).Should().Equal("example.test.", "sub.example.test.", "example.net.");
    }

    [Fact]
    public void LoadText_GenericTypeRecord_Accepted()
    {
        var result = ConfigLoader.LoadText("""
            zones:
              - name: example.test
                soa: {}
                nameservers: [ns1.example.net.]
                records:
                  - { name: x, type: TYPE999, value: '\# 3 010203' }
            """, "t.yaml");

        result.Errors.Should().BeEmpty();
        Records(result)[^1].Should().Be(@"x.example.test. 3600 IN TYPE999 \# 3 010203");
    }

    [Fact]
    public void Load_MissingFile_ReportsIt()
    {
        var result = ConfigLoader.Load("/nonexistent/failoverdns.yaml");

        result.Succeeded.Should().BeFalse();
        result.Errors.Should().ContainSingle();
        result.Errors[0].ToString().Should().StartWith("/nonexistent/failoverdns.yaml:1:1: cannot read the config file: ");
    }

    [Theory]
    [InlineData("127.0.0.1:5300", "127.0.0.1:5300")]
    [InlineData("127.0.0.1", "127.0.0.1:53")]
    [InlineData("[::1]:5300", "[::1]:5300")]
    [InlineData("::1", "[::1]:53")]
    [InlineData("[::1]", "[::1]:53")]
    [InlineData("0.0.0.0:0", "0.0.0.0:0")]
    [InlineData("[2001:db8::1]:65535", "[2001:db8::1]:65535")]
    public void TryParseEndpoint_AddressAndPort_Parsed(string text, string expected)
    {
        AddressText.TryParseEndpoint(text, ConfigLoader.DefaultPort, out var endpoint).Should().BeTrue();
        endpoint.ToString().Should().Be(expected);
    }

    [Theory]
    [InlineData("")]
    [InlineData("localhost")]
    [InlineData("localhost:53")]
    [InlineData("127.0.0.1:")]
    [InlineData("127.0.0.1:65536")]
    [InlineData("127.0.0.1:-1")]
    [InlineData("127.0.0.1:dns")]
    [InlineData("[::1]:")]
    [InlineData("[::1]:99999")]
    [InlineData("192.0.2.256")]
    [InlineData("1.2.3")]
    [InlineData("127.1")]
    [InlineData("010.0.0.1:53")]
    [InlineData("fe80::1%eth0")]
    public void TryParseEndpoint_Invalid_ReturnsFalse(string text)
    {
        AddressText.TryParseEndpoint(text, ConfigLoader.DefaultPort, out _).Should().BeFalse();
    }

    [Theory]
    [InlineData("127.0.0.1:5300", true)]
    [InlineData("[::1]:53", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("[::1]", false)]
    public void TryParseEndpointWithPort_BareAddress_ReturnsFalse(string text, bool parsed)
    {
        AddressText.TryParseEndpointWithPort(text, out _).Should().Be(parsed);
    }

    private static List<string> Records(ConfigLoadResult result)
    {
        result.Errors.Select(e => e.ToString()).Should().BeEmpty();
        return result.Config!.Zones.SelectMany(z => z.Records).Select(r => r.ToString()).ToList();
    }

    private static string[] Answer(ZoneSnapshot snapshot, string name, RecordType type)
    {
        var owner = ZoneText.Name(name);
        var result = ZoneLookup.Find(snapshot, owner, type);
        result.Outcome.Should().Be(LookupOutcome.Answer);
        return ZoneText.Format(owner, result.RRset);
    }
}
