namespace FailoverDns.Protocol;

/// <summary>
/// Domain names in uncompressed wire form: length-prefixed labels ending with the root label
/// (RFC 1035 §3.1). Reading follows compression pointers (§4.1.4) without ever looping. This half
/// holds the wire form and the operations on it; <c>DnsName.Text.cs</c> the presentation format.
/// </summary>
public static partial class DnsName
{
    public const int MaxLength = 255;
    public const int MaxLabelLength = 63;

    /// <summary>The two high bits that mark a compression pointer (RFC 1035 §4.1.4).</summary>
    public const ushort PointerFlag = 0xC000;

    /// <summary>A pointer has 14 bits of offset: names written later than this cannot be pointed at (RFC 1035 §4.1.4).</summary>
    public const int MaxPointerTarget = 0x3FFF;

    // A name has at most 127 labels and encoders point only at labels, so no well-formed name needs
    // more hops; the cap bounds the work of chains of pointers to pointers, which add no labels.
    private const int MaxPointerHops = 128;

    /// <summary>The root name in wire form.</summary>
    public static ReadOnlySpan<byte> Root => [0];

    /// <summary>
    /// Reads a possibly compressed name at <paramref name="offset"/> and writes it uncompressed.
    /// <paramref name="consumed"/> is the number of bytes the name occupies at <paramref name="offset"/>.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> message, int offset, Span<byte> destination, out int consumed, out int written)
    {
        consumed = 0;
        written = 0;
        var position = offset;
        // A pointer must point strictly before the label that holds it; this makes loops impossible.
        var lowestTarget = offset;
        var jumped = false;
        var hops = 0;
        while (true)
        {
            if ((uint)position >= (uint)message.Length)
            {
                return false;
            }

            int length = message[position];
            if (length == 0)
            {
                if (written >= destination.Length)
                {
                    return false;
                }

                destination[written++] = 0;
                if (!jumped)
                {
                    consumed = position + 1 - offset;
                }

                return true;
            }

            switch (length & 0xC0)
            {
                case 0xC0:
                    if (position + 1 >= message.Length)
                    {
                        return false;
                    }

                    var target = ((length & 0x3F) << 8) | message[position + 1];
                    if (target >= lowestTarget || ++hops > MaxPointerHops)
                    {
                        return false;
                    }

                    if (!jumped)
                    {
                        consumed = position + 2 - offset;
                        jumped = true;
                    }

                    lowestTarget = target;
                    position = target;
                    continue;
                case 0x00:
                    if (position + 1 + length > message.Length
                        || written + 1 + length + 1 > MaxLength
                        || written + 1 + length > destination.Length)
                    {
                        return false;
                    }

                    message.Slice(position, 1 + length).CopyTo(destination[written..]);
                    written += 1 + length;
                    position += 1 + length;
                    continue;
                default:
                    return false; // 0x40 and 0x80 label types are not in use (RFC 6891 §5)
            }
        }
    }

    /// <summary>Checks that <paramref name="name"/> is exactly one well-formed uncompressed name.</summary>
    public static bool IsValid(ReadOnlySpan<byte> name)
    {
        if (name.Length is 0 or > MaxLength)
        {
            return false;
        }

        var position = 0;
        while (position < name.Length)
        {
            int length = name[position];
            if (length == 0)
            {
                return position == name.Length - 1;
            }

            if (length > MaxLabelLength)
            {
                return false;
            }

            position += 1 + length;
        }

        return false;
    }

    /// <summary>The length of the uncompressed name at the start of <paramref name="name"/>, or -1.</summary>
    public static int MeasureUncompressed(ReadOnlySpan<byte> name)
    {
        var position = 0;
        while (position < name.Length && position < MaxLength)
        {
            int length = name[position];
            if (length == 0)
            {
                return position + 1;
            }

            if (length > MaxLabelLength)
            {
                return -1;
            }

            position += 1 + length;
        }

        return -1;
    }

    public static int CountLabels(ReadOnlySpan<byte> name)
    {
        var count = 0;
        var position = 0;
        while (position < name.Length && name[position] != 0)
        {
            count++;
            position += 1 + name[position];
        }

        return count;
    }

    /// <summary>The name without its first label (the parent); the root stays the root.</summary>
    public static ReadOnlySpan<byte> Parent(ReadOnlySpan<byte> name) => name[0] == 0 ? name : name[(1 + name[0])..];

    public static void ToLowerInPlace(Span<byte> name)
    {
        foreach (ref var b in name)
        {
            // Length bytes are at most 63 and so never in 'A'..'Z'; lowering them is harmless.
            if ((uint)(b - 'A') <= 'Z' - 'A')
            {
                b |= 0x20;
            }
        }
    }

    public static byte[] ToLower(ReadOnlySpan<byte> name)
    {
        var copy = name.ToArray();
        ToLowerInPlace(copy);
        return copy;
    }

    /// <summary>ASCII case-insensitive equality of two uncompressed names (RFC 4343).</summary>
    public static bool EqualsIgnoreCase(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] != b[i] && ToLowerAscii(a[i]) != ToLowerAscii(b[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when <paramref name="name"/> equals <paramref name="ancestor"/> or lies below it.</summary>
    public static bool IsAtOrBelow(ReadOnlySpan<byte> name, ReadOnlySpan<byte> ancestor)
    {
        var position = 0;
        while (name.Length - position > ancestor.Length)
        {
            position += 1 + name[position];
        }

        return name.Length - position == ancestor.Length && EqualsIgnoreCase(name[position..], ancestor);
    }

    /// <summary>True for a wildcard's name (RFC 4592 §2.1.1): its first label is <c>*</c>.</summary>
    public static bool IsWildcard(ReadOnlySpan<byte> name) => name is [1, (byte)'*', ..];

    /// <summary>
    /// Where the longest run of whole trailing labels that <paramref name="name"/> and
    /// <paramref name="other"/> share (ignoring case) starts in each: at least the root, their last byte.
    /// </summary>
    public static int CommonSuffix(ReadOnlySpan<byte> name, ReadOnlySpan<byte> other, out int otherStart)
    {
        // Skip the labels one has more of, then walk both a label at a time until the rests agree.
        var position = SkipLabels(name, CountLabels(name) - CountLabels(other));
        otherStart = SkipLabels(other, CountLabels(other) - CountLabels(name));
        while (!EqualsIgnoreCase(name[position..], other[otherStart..]))
        {
            position += 1 + name[position];
            otherStart += 1 + other[otherStart];
        }

        return position;
    }

    private static int SkipLabels(ReadOnlySpan<byte> name, int count)
    {
        var position = 0;
        for (var i = 0; i < count; i++)
        {
            position += 1 + name[position];
        }

        return position;
    }

    private static byte ToLowerAscii(byte b) => (uint)(b - 'A') <= 'Z' - 'A' ? (byte)(b | 0x20) : b;
}
