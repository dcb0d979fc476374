using FailoverDns.Testing;

namespace FailoverDns.Protocol.Tests;

/// <summary>Hand-built, valid messages shared by the parsing, prefix and mutation tests.</summary>
internal static class TestMessages
{
    /// <summary>
    /// A response for www.example.test A that has every section, compressed owners, compressed names
    /// inside CNAME and SOA RDATA, a pointer chain, and an OPT record with an option (170 bytes).
    /// </summary>
    public static byte[] RichResponse() =>
    [
        // Header
        0x12, 0x34, // ID
        0x85, 0x00, // QR=1, OPCODE=0, AA=1, TC=0, RD=1, RA=0, RCODE=0
        0x00, 0x01, // QDCOUNT
        0x00, 0x02, // ANCOUNT
        0x00, 0x01, // NSCOUNT
        0x00, 0x02, // ARCOUNT (AAAA + OPT)

        // Question (offset 12)
        0x03, (byte)'w', (byte)'w', (byte)'w', // "www" (offset 12)
        0x07, (byte)'e', (byte)'x', (byte)'a', (byte)'m', (byte)'p', (byte)'l', (byte)'e', // "example" (offset 16)
        0x04, (byte)'t', (byte)'e', (byte)'s', (byte)'t', // "test" (offset 24)
        0x00, // root
        0x00, 0x01, // QTYPE A
        0x00, 0x01, // QCLASS IN

        // Answer 1 (offset 34): www.example.test CNAME web.example.test
        0xC0, 0x0C, // NAME: pointer to offset 12 (www.example.test)
        0x00, 0x05, // TYPE CNAME
        0x00, 0x01, // CLASS IN
        0x00, 0x00, 0x0E, 0x10, // TTL 3600
        0x00, 0x06, // RDLENGTH
        0x03, (byte)'w', (byte)'e', (byte)'b', // "web" (offset 46)
        0xC0, 0x10, // pointer to offset 16 (example.test)

        // Answer 2 (offset 52): web.example.test A 192.0.2.1
        0xC0, 0x2E, // NAME: pointer to offset 46 (web + pointer: a chain)
        0x00, 0x01, // TYPE A
        0x00, 0x01, // CLASS IN
        0x00, 0x00, 0x01, 0x2C, // TTL 300
        0x00, 0x04, // RDLENGTH
        0xC0, 0x00, 0x02, 0x01, // 192.0.2.1

        // Authority (offset 68): example.test SOA
        0xC0, 0x10, // NAME: pointer to offset 16 (example.test)
        0x00, 0x06, // TYPE SOA
        0x00, 0x01, // CLASS IN
        0x00, 0x00, 0x0E, 0x10, // TTL 3600
        0x00, 0x27, // RDLENGTH 39
        0x03, (byte)'n', (byte)'s', (byte)'1', 0xC0, 0x10, // MNAME ns1.example.test (offset 80)
        0x0A, (byte)'h', (byte)'o', (byte)'s', (byte)'t', (byte)'m', (byte)'a', (byte)'s', (byte)'t', (byte)'e', (byte)'r', 0xC0, 0x10, // RNAME hostmaster.example.test
        0x78, 0xA3, 0xF1, 0x75, // SERIAL 2024010101
        0x00, 0x00, 0x1C, 0x20, // REFRESH 7200
        0x00, 0x00, 0x0E, 0x10, // RETRY 3600
        0x00, 0x12, 0x75, 0x00, // EXPIRE 1209600
        0x00, 0x00, 0x01, 0x2C, // MINIMUM 300

        // Additional 1 (offset 119): ns1.example.test AAAA 2001:db8::53
        0xC0, 0x50, // NAME: pointer to offset 80 (ns1 + pointer)
        0x00, 0x1C, // TYPE AAAA
        0x00, 0x01, // CLASS IN
        0x00, 0x00, 0x01, 0x2C, // TTL 300
        0x00, 0x10, // RDLENGTH 16
        0x20, 0x01, 0x0D, 0xB8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x53,

        // Additional 2 (offset 147): OPT
        0x00, // NAME: root
        0x00, 0x29, // TYPE OPT
        0x04, 0xD0, // CLASS: UDP payload size 1232
        0x00, // extended RCODE
        0x00, // EDNS version 0
        0x80, 0x00, // DO=1, Z=0
        0x00, 0x0C, // RDLENGTH 12
        0x00, 0x0A, // OPTION-CODE 10 (COOKIE)
        0x00, 0x08, // OPTION-LENGTH 8
        0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, // client cookie
    ];

    /// <summary>
    /// <see cref="RichResponse"/> as a query (QR clear): <see cref="QueryParser"/> walks every
    /// section of it instead of ignoring it.
    /// </summary>
    public static byte[] RichQuery()
    {
        var message = RichResponse();
        message[2] = 0x01; // QR=0, OPCODE=0, AA=0, TC=0, RD=1
        message[3] = 0x00; // RA=0, RCODE=0
        return message;
    }

    /// <summary>A query for www.example.test A with an OPT record (payload 1232, DO set).</summary>
    public static byte[] EdnsQuery() =>
    [
        // Header
        0xAB, 0xCD, // ID
        0x01, 0x00, // QR=0, OPCODE=0, RD=1
        0x00, 0x01, // QDCOUNT
        0x00, 0x00, // ANCOUNT
        0x00, 0x00, // NSCOUNT
        0x00, 0x01, // ARCOUNT

        // Question
        0x03, (byte)'w', (byte)'w', (byte)'w',
        0x07, (byte)'e', (byte)'x', (byte)'a', (byte)'m', (byte)'p', (byte)'l', (byte)'e',
        0x04, (byte)'t', (byte)'e', (byte)'s', (byte)'t',
        0x00, // root
        0x00, 0x01, // QTYPE A
        0x00, 0x01, // QCLASS IN

        // Additional: OPT
        0x00, // NAME: root
        0x00, 0x29, // TYPE OPT
        0x04, 0xD0, // UDP payload size 1232
        0x00, // extended RCODE
        0x00, // version 0
        0x80, 0x00, // DO=1
        0x00, 0x00, // RDLENGTH 0
    ];

    /// <summary>A response carrying MX, SRV, TXT, CAA and an unknown type, written by <see cref="DnsMessage.ToArray"/>.</summary>
    public static byte[] AssortedResponse()
    {
        var zone = Wire.Name("example.test");
        var message = new DnsMessage(
            new DnsHeader(0x0102, 0x8400, 0, 0, 0, 0),
            [new DnsQuestion(zone, RecordType.ANY, 1)],
            [
                new DnsRecord(zone, RecordType.MX, 1, 300, [0x00, 0x0A, .. Wire.Name("mail.example.test")]),
                new DnsRecord(Wire.Name("_sip._udp.example.test"), RecordType.SRV, 1, 300, [0x00, 0x0A, 0x00, 0x3C, 0x13, 0xC4, .. Wire.Name("sip.example.test")]),
                new DnsRecord(zone, RecordType.TXT, 1, 300, [0x05, .. "hello"u8, 0x00, 0x02, (byte)'"', (byte)'\\']),
                new DnsRecord(zone, RecordType.CAA, 1, 300, [0x00, 0x05, .. "issue"u8, .. "letsencrypt.org"u8]),
                new DnsRecord(zone, (RecordType)999, 1, 300, [0x01, 0x02, 0x03]),
            ],
            [],
            [new DnsRecord(Wire.Name("mail.example.test"), RecordType.A, 1, 300, [192, 0, 2, 25])],
            new Edns(4096, 0, 0, false, [new EdnsOption(12, new byte[4])]));
        return message.ToArray();
    }
}
