namespace FailoverDns.Protocol.Dnssec;

/// <summary>
/// The canonical order of names (RFC 4034 §6.1): label by label from the rightmost, each compared as
/// lowercase octets, a shorter label first. It orders the NSEC chain and finds which NSEC covers a name.
/// </summary>
public static class CanonicalName
{
    /// <summary>Negative when <paramref name="a"/> sorts before <paramref name="b"/>; both uncompressed wire names, in any case.</summary>
    public static int Compare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        Span<byte> aStarts = stackalloc byte[DnsName.MaxLength / 2 + 1];
        Span<byte> bStarts = stackalloc byte[DnsName.MaxLength / 2 + 1];
        var aCount = LabelStarts(a, aStarts);
        var bCount = LabelStarts(b, bStarts);
        for (int i = aCount - 1, j = bCount - 1; i >= 0 && j >= 0; i--, j--)
        {
            var aLabel = a.Slice(aStarts[i] + 1, a[aStarts[i]]);
            var bLabel = b.Slice(bStarts[j] + 1, b[bStarts[j]]);
            var common = Math.Min(aLabel.Length, bLabel.Length);
            for (var k = 0; k < common; k++)
            {
                var difference = Lower(aLabel[k]) - Lower(bLabel[k]);
                if (difference != 0)
                {
                    return difference;
                }
            }

            if (aLabel.Length != bLabel.Length)
            {
                return aLabel.Length - bLabel.Length;
            }
        }

        return aCount - bCount;
    }

    /// <summary>Where each label of <paramref name="name"/> starts (names are at most 255 bytes, so a byte holds it); returns how many.</summary>
    private static int LabelStarts(ReadOnlySpan<byte> name, Span<byte> starts)
    {
        var count = 0;
        var position = 0;
        while (position < name.Length && name[position] != 0)
        {
            starts[count++] = (byte)position;
            position += 1 + name[position];
        }

        return count;
    }

    private static int Lower(byte b) => (uint)(b - 'A') <= 'Z' - 'A' ? b | 0x20 : b;
}
