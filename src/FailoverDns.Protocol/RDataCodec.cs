using System.Buffers.Binary;

namespace FailoverDns.Protocol;

/// <summary>
/// RDATA in canonical (uncompressed) wire form. Names inside the RDATA of the RFC 1035 types may be
/// compressed on the wire; they are expanded on read (RFC 3597 §4). Other types are opaque.
/// </summary>
public static class RDataCodec
{
    /// <summary>
    /// Reads <paramref name="length"/> bytes of RDATA at <paramref name="offset"/> of
    /// <paramref name="message"/>, expanding compressed names, and checks its structure.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> message, int offset, int length, RecordType type, Span<byte> destination, out int written)
    {
        written = 0;
        if (offset < 0 || length < 0 || offset > message.Length - length)
        {
            return false;
        }

        var end = offset + length;
        var rdata = message.Slice(offset, length);
        switch (type)
        {
            case RecordType.CNAME or RecordType.NS or RecordType.PTR:
                return TryCopyName(message, offset, end, destination, ref written, out var consumed) && consumed == length;
            case RecordType.MX:
                return TryCopyFixed(rdata, 2, destination, ref written)
                    && TryCopyName(message, offset + 2, end, destination, ref written, out consumed)
                    && 2 + consumed == length;
            case RecordType.SRV:
                return TryCopyFixed(rdata, 6, destination, ref written)
                    && TryCopyName(message, offset + 6, end, destination, ref written, out consumed)
                    && 6 + consumed == length;
            case RecordType.SOA:
                if (!TryCopyName(message, offset, end, destination, ref written, out var first)
                    || !TryCopyName(message, offset + first, end, destination, ref written, out var second))
                {
                    return false;
                }

                return first + second + 20 == length && TryCopyFixed(rdata[(first + second)..], 20, destination, ref written);
            default:
                if (!IsWellFormed(type, rdata) || rdata.Length > destination.Length)
                {
                    return false;
                }

                rdata.CopyTo(destination);
                written = rdata.Length;
                return true;
        }
    }

    /// <summary>Checks uncompressed RDATA against the layout of its type.</summary>
    public static bool IsWellFormed(RecordType type, ReadOnlySpan<byte> rdata)
    {
        switch (type)
        {
            case RecordType.A:
                return rdata.Length == 4;
            case RecordType.AAAA:
                return rdata.Length == 16;
            case RecordType.CNAME or RecordType.NS or RecordType.PTR:
                return DnsName.IsValid(rdata);
            case RecordType.MX:
                return rdata.Length > 2 && DnsName.IsValid(rdata[2..]);
            case RecordType.SRV:
                return rdata.Length > 6 && DnsName.IsValid(rdata[6..]);
            case RecordType.SOA:
                var mname = DnsName.MeasureUncompressed(rdata);
                if (mname < 0)
                {
                    return false;
                }

                var rname = DnsName.MeasureUncompressed(rdata[mname..]);
                return rname > 0 && mname + rname + 20 == rdata.Length;
            case RecordType.TXT:
                if (rdata.IsEmpty)
                {
                    return false;
                }

                var position = 0;
                while (position < rdata.Length)
                {
                    position += 1 + rdata[position];
                }

                return position == rdata.Length;
            case RecordType.CAA:
                // flags, tag length (1..15 per RFC 8659 §4.1), tag, value
                return rdata.Length >= 2 && rdata[1] is >= 1 and <= 15 && rdata.Length >= 2 + rdata[1];
            case RecordType.DS:
                // key tag, algorithm, digest type, a digest of at least one byte (RFC 4034 §5.1)
                return rdata.Length > 4;
            default:
                return rdata.Length <= ushort.MaxValue;
        }
    }

    /// <summary>The offset of the name inside RDATA that names another host, or -1.</summary>
    public static int TargetNameOffset(RecordType type) => type switch
    {
        RecordType.CNAME or RecordType.NS or RecordType.PTR => 0,
        RecordType.MX => 2,
        RecordType.SRV => 6,
        _ => -1,
    };

    /// <summary>The SOA MINIMUM field, used for negative caching (RFC 2308 §4).</summary>
    public static uint SoaMinimum(ReadOnlySpan<byte> soaRData) => BinaryPrimitives.ReadUInt32BigEndian(soaRData[^4..]);

    /// <summary>The SOA SERIAL field.</summary>
    public static uint SoaSerial(ReadOnlySpan<byte> soaRData) => BinaryPrimitives.ReadUInt32BigEndian(soaRData[^20..]);

    /// <summary>A copy of <paramref name="soaRData"/> with its SERIAL field set to <paramref name="serial"/>.</summary>
    public static byte[] WithSoaSerial(ReadOnlySpan<byte> soaRData, uint serial)
    {
        var copy = soaRData.ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(copy.Length - 20), serial);
        return copy;
    }

    private static bool TryCopyName(ReadOnlySpan<byte> message, int offset, int end, Span<byte> destination, ref int written, out int consumed)
    {
        // A name inside RDATA must not run past the RDATA, but its pointers may point anywhere earlier.
        if (!DnsName.TryRead(message[..end], offset, destination[written..], out consumed, out var nameLength))
        {
            return false;
        }

        written += nameLength;
        return true;
    }

    private static bool TryCopyFixed(ReadOnlySpan<byte> source, int count, Span<byte> destination, ref int written)
    {
        if (source.Length < count || destination.Length - written < count)
        {
            return false;
        }

        source[..count].CopyTo(destination[written..]);
        written += count;
        return true;
    }
}
