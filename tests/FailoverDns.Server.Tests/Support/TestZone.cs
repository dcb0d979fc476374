using FailoverDns.Configuration;
using FailoverDns.Zones;

namespace FailoverDns.Server.Tests.Support;

/// <summary>The zone most tests query, in the YAML form users write.</summary>
internal static class TestZone
{
    public const string Yaml = """
        listen: [127.0.0.1:0]
        zones:
          - name: example.test
            ttl: 300
            soa: { email: hostmaster@example.test, serial: 2026112101, negativeTtl: 120 }
            nameservers: [ns1.example.test., ns2.example.test.]
            records:
              - { name: "@", type: A, value: 192.0.2.10 }
              - { name: "@", type: MX, values: ["10 mail", "20 mail2"] }
              - { name: ns1, type: A, value: 192.0.2.53 }
              - { name: ns1, type: AAAA, value: "2001:db8::53" }
              - { name: ns2, type: A, value: 192.0.2.54 }
              - { name: www, type: A, ttl: 60, value: 192.0.2.1 }
              - { name: www, type: AAAA, ttl: 60, value: "2001:db8::1" }
              - { name: api, type: A, values: [192.0.2.2, 192.0.2.3] }
              - { name: mail, type: A, value: 192.0.2.25 }
              - { name: mail, type: AAAA, value: "2001:db8::25" }
              - { name: mail2, type: A, value: 192.0.2.26 }
              - { name: ftp, type: CNAME, value: www }
              - { name: chain, type: CNAME, value: ftp }
              - { name: dangling, type: CNAME, value: nothere }
              - { name: ext, type: CNAME, value: www.elsewhere.invalid. }
              - { name: loop1, type: CNAME, value: loop2 }
              - { name: loop2, type: CNAME, value: loop1 }
              - { name: a.b.ent, type: A, value: 192.0.2.77 }
              - { name: "*.wild", type: A, value: 192.0.2.99 }
              - { name: "*.wild", type: TXT, value: '"wild"' }
              - { name: "*.cwild", type: CNAME, value: www }
              - { name: sub, type: NS, value: ns.sub }
              - { name: ns.sub, type: A, value: 192.0.2.200 }
              - { name: tosub, type: CNAME, value: host.sub }
              - { name: txt, type: TXT, value: '"hello world" "second"' }
              - { name: _sip._udp, type: SRV, value: "10 5 5060 mail" }
              - { name: caa, type: CAA, value: '0 issue "letsencrypt.org"' }
              - { name: big, type: TXT, values: [{{BIG}}] }
        """;

    /// <summary>Forty 60-byte TXT strings: about 2.5 kB, more than any UDP reply may carry.</summary>
    public static string Text => Yaml.Replace("{{BIG}}", string.Join(", ", Enumerable.Range(0, 40).Select(i => $"'\"{i:D2}{new string('x', 58)}\"'")), StringComparison.Ordinal);

    public static ConfigLoadResult Load(string? yaml = null)
    {
        var result = ConfigLoader.LoadText(yaml ?? Text, "test.yaml");
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, result.Errors));
        }

        return result;
    }

    public static ZoneStore Store() => new(Load().Snapshot!);
}
