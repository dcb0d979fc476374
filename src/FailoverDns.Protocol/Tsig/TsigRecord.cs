using System.Buffers.Binary;

namespace FailoverDns.Protocol.Tsig;

/// <summary>Where a message's TSIG record is, if it has one.</summary>
internal enum TsigPresence : byte
{
    Absent,
    Present,
    Malformed,
}

/// <summary>
/// The fields of a TSIG RR (RFC 8945 §4.2) as views into the message, so reading one allocates nothing.
/// </summary>
internal readonly ref struct TsigRecord
{
    /// <summary>Fixed RDATA after the algorithm name: time signed 6, fudge 2, MAC size 2, original ID 2, error 2, other len 2.</summary>
    private const int FixedRDataSize = 16;

    /// <summary>The offset of the record in the message: the message without its TSIG ends here.</summary>
    public int Start { get; init; }

    /// <summary>The key name, uncompressed, in the case the sender wrote it.</summary>
    public ReadOnlySpan<byte> KeyName { get; init; }

    public ReadOnlySpan<byte> AlgorithmName { get; init; }

    /// <summary>Seconds since 1970, 48 bits (RFC 8945 §4.2).</summary>
    public long TimeSigned { get; init; }

    public ushort Fudge { get; init; }

    public ReadOnlySpan<byte> Mac { get; init; }

    public ushort OriginalId { get; init; }

    public ushort Error { get; init; }

    public ReadOnlySpan<byte> OtherData { get; init; }

    /// <summary>
    /// Walks every record to find the TSIG, which must be the last of the additional section and the
    /// only one (RFC 8945 §5.1, §5.2). The owner name may be compressed, so it is expanded into
    /// <paramref name="keyNameBuffer"/> (<see cref="DnsName.MaxLength"/> bytes).
    /// </summary>
    public static TsigPresence Find(ReadOnlySpan<byte> message, Span<byte> keyNameBuffer, out TsigRecord record)
    {
        record = default;
        if (!DnsHeader.TryRead(message, out var header))
        {
            return TsigPresence.Malformed;
        }

        var offset = DnsHeader.Size;
        for (var i = 0; i < header.QuestionCount; i++)
        {
            if (!DnsName.TryRead(message, offset, keyNameBuffer, out var consumed, out _) || offset + consumed + 4 > message.Length)
            {
                return TsigPresence.Malformed;
            }

            offset += consumed + 4;
        }

        var records = header.AnswerCount + header.AuthorityCount + header.AdditionalCount;
        var lastStart = -1;
        var lastOwnerLength = 0;
        var lastFixedFields = 0;
        var lastIsTsig = false;
        for (var i = 0; i < records; i++)
        {
            var start = offset;
            if (!DnsName.TryRead(message, offset, keyNameBuffer, out var consumed, out var ownerLength) || offset + consumed + 10 > message.Length)
            {
                return TsigPresence.Malformed;
            }

            offset += consumed;
            var type = (RecordType)BinaryPrimitives.ReadUInt16BigEndian(message[offset..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 8)..]);
            offset += 10 + length;
            if (offset > message.Length)
            {
                return TsigPresence.Malformed;
            }

            if (lastIsTsig)
            {
                return TsigPresence.Malformed; // a TSIG followed by anything is not last
            }

            lastIsTsig = type == RecordType.TSIG;
            lastStart = start;
            lastOwnerLength = ownerLength;
            lastFixedFields = start + consumed;
            if (lastIsTsig && i < header.AnswerCount + header.AuthorityCount)
            {
                return TsigPresence.Malformed; // only in the additional section
            }
        }

        if (offset != message.Length)
        {
            return TsigPresence.Malformed;
        }

        if (!lastIsTsig)
        {
            return TsigPresence.Absent;
        }

        // keyNameBuffer holds the owner of the last record read, which is the TSIG.
        return TryReadLast(message, lastStart, lastFixedFields, keyNameBuffer[..lastOwnerLength], out record) ? TsigPresence.Present : TsigPresence.Malformed;
    }

    /// <summary>Reads the TSIG at <paramref name="start"/>, whose type, class, TTL and RDLENGTH are at <paramref name="fixedFieldsStart"/>.</summary>
    private static bool TryReadLast(ReadOnlySpan<byte> message, int start, int fixedFieldsStart, ReadOnlySpan<byte> keyName, out TsigRecord record)
    {
        record = default;
        var fixedFields = message[fixedFieldsStart..];
        var @class = BinaryPrimitives.ReadUInt16BigEndian(fixedFields[2..]);
        var ttl = BinaryPrimitives.ReadUInt32BigEndian(fixedFields[4..]);
        if (@class != (ushort)RecordClass.ANY || ttl != 0)
        {
            return false; // RFC 8945 §4.2: class ANY, TTL 0
        }

        var rdata = fixedFields[10..];

        // The algorithm name must not be compressed (RFC 8945 §4.2, RFC 3597 §4).
        var algorithmLength = DnsName.MeasureUncompressed(rdata);
        if (algorithmLength < 0 || rdata.Length < algorithmLength + FixedRDataSize)
        {
            return false;
        }

        var fields = rdata[algorithmLength..];
        var timeSigned = ((long)BinaryPrimitives.ReadUInt16BigEndian(fields) << 32) | BinaryPrimitives.ReadUInt32BigEndian(fields[2..]);
        var fudge = BinaryPrimitives.ReadUInt16BigEndian(fields[6..]);
        int macSize = BinaryPrimitives.ReadUInt16BigEndian(fields[8..]);
        if (fields.Length < 10 + macSize + 6)
        {
            return false;
        }

        var mac = fields.Slice(10, macSize);
        var afterMac = fields[(10 + macSize)..];
        int otherLength = BinaryPrimitives.ReadUInt16BigEndian(afterMac[4..]);
        if (afterMac.Length != 6 + otherLength)
        {
            return false;
        }

        record = new TsigRecord
        {
            Start = start,
            KeyName = keyName,
            AlgorithmName = rdata[..algorithmLength],
            TimeSigned = timeSigned,
            Fudge = fudge,
            Mac = mac,
            OriginalId = BinaryPrimitives.ReadUInt16BigEndian(afterMac),
            Error = BinaryPrimitives.ReadUInt16BigEndian(afterMac[2..]),
            OtherData = afterMac.Slice(6, otherLength),
        };
        return true;
    }

    /// <summary>
    /// Appends a TSIG RR after <paramref name="length"/> bytes of message in <paramref name="buffer"/>
    /// and counts it in ARCOUNT. Names are written uncompressed, as RFC 8945 §4.2 asks of the algorithm.
    /// </summary>
    public static bool TryAppend(
        Span<byte> buffer,
        int length,
        ReadOnlySpan<byte> keyName,
        ReadOnlySpan<byte> algorithmName,
        long timeSigned,
        ushort fudge,
        ReadOnlySpan<byte> mac,
        ushort originalId,
        ushort error,
        ReadOnlySpan<byte> otherData,
        out int written)
    {
        written = length;
        var rdataLength = algorithmName.Length + FixedRDataSize + mac.Length + otherData.Length;
        var size = keyName.Length + 10 + rdataLength;
        var additionalCount = BinaryPrimitives.ReadUInt16BigEndian(buffer[10..]);
        if (buffer.Length - length < size || rdataLength > ushort.MaxValue || additionalCount == ushort.MaxValue)
        {
            return false;
        }

        var rr = buffer.Slice(length, size);
        keyName.CopyTo(rr);
        var position = keyName.Length;
        BinaryPrimitives.WriteUInt16BigEndian(rr[position..], (ushort)RecordType.TSIG);
        BinaryPrimitives.WriteUInt16BigEndian(rr[(position + 2)..], (ushort)RecordClass.ANY);
        BinaryPrimitives.WriteUInt32BigEndian(rr[(position + 4)..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(rr[(position + 8)..], (ushort)rdataLength);
        position += 10;
        algorithmName.CopyTo(rr[position..]);
        position += algorithmName.Length;
        WriteUInt48(rr[position..], timeSigned);
        BinaryPrimitives.WriteUInt16BigEndian(rr[(position + 6)..], fudge);
        BinaryPrimitives.WriteUInt16BigEndian(rr[(position + 8)..], (ushort)mac.Length);
        position += 10;
        mac.CopyTo(rr[position..]);
        position += mac.Length;
        BinaryPrimitives.WriteUInt16BigEndian(rr[position..], originalId);
        BinaryPrimitives.WriteUInt16BigEndian(rr[(position + 2)..], error);
        BinaryPrimitives.WriteUInt16BigEndian(rr[(position + 4)..], (ushort)otherData.Length);
        otherData.CopyTo(rr[(position + 6)..]);

        BinaryPrimitives.WriteUInt16BigEndian(buffer[10..], (ushort)(additionalCount + 1));
        written = length + size;
        return true;
    }

    public static void WriteUInt48(Span<byte> destination, long value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)(value >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(destination[2..], (uint)value);
    }
}
