namespace FailoverDns.FuzzFlood;

/// <summary>Valid questions about the bench zone (example.test), written out byte by byte.</summary>
internal static class Questions
{
    public static byte[][] All { get; } =
    [
        Query("www.example.test", 1, edns: false),   // A
        Query("www.example.test", 28, edns: true),   // AAAA, with EDNS
        Query("example.test", 15, edns: true),       // MX
        Query("nothere.example.test", 1, edns: true), // NXDOMAIN
        Query("ftp.example.test", 1, edns: false),   // CNAME chain
    ];

    private static byte[] Query(string name, ushort type, bool edns)
    {
        var bytes = new List<byte> { 0, 0, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, (byte)(edns ? 1 : 0) };
        foreach (var label in name.Split('.'))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(label));
        }

        bytes.AddRange([0, (byte)(type >> 8), (byte)type, 0, 1]);
        if (edns)
        {
            // OPT: root owner, type 41, UDP size 1232, no extended flags, no options (RFC 6891 §6.1.2).
            bytes.AddRange([0, 0, 41, 0x04, 0xD0, 0, 0, 0, 0, 0, 0]);
        }

        return [.. bytes];
    }
}
