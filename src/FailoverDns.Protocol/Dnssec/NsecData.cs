namespace FailoverDns.Protocol.Dnssec;

/// <summary>The RDATA of an NSEC record (RFC 4034 §4.1): the next owner name and the types at this name.</summary>
public static class NsecData
{
    /// <summary>NSEC RDATA pointing at <paramref name="nextName"/> (uncompressed) with <paramref name="types"/> in its bitmap.</summary>
    public static byte[] Build(ReadOnlySpan<byte> nextName, IEnumerable<RecordType> types) => [.. nextName, .. TypeBitmap(types)];

    /// <summary>The type bit maps field (RFC 4034 §4.1.2): one block per 256-type window in use, each as short as its highest type allows.</summary>
    public static byte[] TypeBitmap(IEnumerable<RecordType> types)
    {
        var bitmap = new List<byte>();
        foreach (var window in types.Select(t => (ushort)t).Distinct().Order().GroupBy(t => t >> 8))
        {
            var bits = new byte[32];
            var length = 0;
            foreach (var type in window)
            {
                var low = type & 0xFF;
                bits[low / 8] |= (byte)(0x80 >> (low % 8));
                length = low / 8 + 1;
            }

            bitmap.Add((byte)window.Key);
            bitmap.Add((byte)length);
            bitmap.AddRange(bits.AsSpan(0, length));
        }

        return [.. bitmap];
    }

    /// <summary>The types an NSEC RDATA says exist at its owner (for explaining and testing).</summary>
    public static IEnumerable<RecordType> Types(byte[] rdata)
    {
        var position = DnsName.MeasureUncompressed(rdata);
        var types = new List<RecordType>();
        while (position + 2 <= rdata.Length)
        {
            int window = rdata[position], length = rdata[position + 1];
            for (var i = 0; i < length * 8; i++)
            {
                if ((rdata[position + 2 + i / 8] & (0x80 >> (i % 8))) != 0)
                {
                    types.Add((RecordType)((window << 8) | i));
                }
            }

            position += 2 + length;
        }

        return types;
    }
}
