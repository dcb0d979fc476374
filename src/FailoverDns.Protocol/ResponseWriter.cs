using System.Buffers.Binary;

namespace FailoverDns.Protocol;

/// <summary>
/// Fills a reply in place under a byte budget, from records encoded ahead of time. An RRset is
/// written whole or not at all, so a truncated reply never holds part of an RRset (RFC 2181 §9).
/// </summary>
/// <remarks>
/// Pre-encoded records start with their owner as a compression pointer (RFC 1035 §4.1.4) to the
/// question name at offset 12; the writer points them elsewhere when the owner lies elsewhere.
/// </remarks>
public ref struct ResponseWriter
{
    /// <summary>A record with a pointer for owner: pointer, type, class, TTL, RDLENGTH (RFC 1035 §4.1.3).</summary>
    public const int RecordHeaderSize = 12;

    /// <summary>The OPT record without options (RFC 6891 §6.1.2); the caller keeps room for it.</summary>
    public const int OptSize = 11;

    /// <summary>The pointer to the question name, with which pre-encoded records start.</summary>
    public const ushort QuestionNamePointer = DnsName.PointerFlag | DnsHeader.Size;

    private readonly Span<byte> _buffer;
    private readonly int _limit;

    public ResponseWriter(Span<byte> buffer, int limit)
    {
        _buffer = buffer;
        _limit = Math.Min(limit, buffer.Length);
        Position = DnsHeader.Size;
    }

    public int Position { get; private set; }

    public ushort QuestionCount { get; private set; }

    public ushort AnswerCount { get; private set; }

    public ushort AuthorityCount { get; private set; }

    public ushort AdditionalCount { get; private set; }

    /// <summary>Echoes the question: the name as the client wrote it (0x20 case kept), then type and class.</summary>
    public bool TryWriteQuestion(scoped ReadOnlySpan<byte> name, ushort type, ushort @class)
    {
        if (Position + name.Length + 4 > _limit)
        {
            return false;
        }

        name.CopyTo(_buffer[Position..]);
        Position += name.Length;
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[Position..], type);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[(Position + 2)..], @class);
        Position += 4;
        QuestionCount = 1;
        return true;
    }

    /// <summary>
    /// Writes the records of one RRset (<paramref name="wire"/>, each starting at one of
    /// <paramref name="recordOffsets"/>) into <paramref name="section"/>, with their owner as a
    /// pointer to <paramref name="ownerOffset"/>, as are the RDATA names that end in a pointer to the
    /// owner at <paramref name="ownerPointersInData"/>; returns where they start, or -1 if they do not fit.
    /// </summary>
    public int TryWriteRRset(DnsSection section, ReadOnlySpan<byte> wire, ReadOnlySpan<int> recordOffsets, int ownerOffset, ReadOnlySpan<int> ownerPointersInData = default) =>
        TryWriteRRset(section, wire, recordOffsets, ownerPointersInData, ownerOffset, extra: 0);

    /// <summary>
    /// Writes an RRset and its RRSIGs (pre-encoded the same way, with the same owner) together or not at
    /// all, so a validator never gets one without the other (RFC 4035 §3.1.1); returns where the RRset starts, or -1.
    /// </summary>
    public int TryWriteSignedRRset(DnsSection section, ReadOnlySpan<byte> wire, ReadOnlySpan<int> recordOffsets, ReadOnlySpan<byte> signatures, ReadOnlySpan<int> signatureOffsets, int ownerOffset, ReadOnlySpan<int> ownerPointersInData = default)
    {
        var start = TryWriteRRset(section, wire, recordOffsets, ownerPointersInData, ownerOffset, extra: signatures.Length);
        if (start >= 0)
        {
            TryWriteRRset(section, signatures, signatureOffsets, default, ownerOffset, extra: 0);
        }

        return start;
    }

    /// <summary>
    /// Writes an RRset whose records spell their owner out (<paramref name="ownerLength"/> bytes each,
    /// as an NSEC proof's do) and its RRSIGs, encoded the same way, together or not at all; each owner
    /// of the RRset keeps its first <paramref name="keptLength"/> bytes and ends in a pointer to the same
    /// labels at <paramref name="suffixOffset"/>, and each RRSIG's owner is a pointer to the first
    /// (RFC 1035 §4.1.4, as Knot compresses them). Returns where the RRset starts, or -1.
    /// </summary>
    public int TryWriteShortenedSignedRRset(DnsSection section, ReadOnlySpan<byte> wire, ReadOnlySpan<int> recordOffsets, ReadOnlySpan<byte> signatures, ReadOnlySpan<int> signatureOffsets, int ownerLength, int keptLength, int suffixOffset)
    {
        var start = Position;
        var (signatureKept, signatureSuffix) = start <= DnsName.MaxPointerTarget ? (0, start) : (keptLength, suffixOffset);
        var size = wire.Length - ((ownerLength - keptLength - 2) * recordOffsets.Length) + signatures.Length - ((ownerLength - signatureKept - 2) * signatureOffsets.Length);
        if (Position + size > _limit || suffixOffset > DnsName.MaxPointerTarget)
        {
            return -1;
        }

        WriteShortened(section, wire, recordOffsets, ownerLength, keptLength, suffixOffset);
        WriteShortened(section, signatures, signatureOffsets, ownerLength, signatureKept, signatureSuffix);
        return start;
    }

    private void WriteShortened(DnsSection section, ReadOnlySpan<byte> wire, ReadOnlySpan<int> recordOffsets, int ownerLength, int keptLength, int suffixOffset)
    {
        for (var i = 0; i < recordOffsets.Length; i++)
        {
            var record = wire[recordOffsets[i]..(i + 1 < recordOffsets.Length ? recordOffsets[i + 1] : wire.Length)];
            record[..keptLength].CopyTo(_buffer[Position..]);
            Position += keptLength;
            BinaryPrimitives.WriteUInt16BigEndian(_buffer[Position..], (ushort)(DnsName.PointerFlag | suffixOffset));
            Position += 2;
            record[ownerLength..].CopyTo(_buffer[Position..]);
            Position += record.Length - ownerLength;
        }

        Count(section, recordOffsets.Length);
    }

    /// <summary>Writes the RRset when it fits with <paramref name="extra"/> bytes more after it.</summary>
    private int TryWriteRRset(DnsSection section, ReadOnlySpan<byte> wire, ReadOnlySpan<int> recordOffsets, ReadOnlySpan<int> ownerPointersInData, int ownerOffset, int extra)
    {
        if (Position + wire.Length + extra > _limit || ownerOffset > DnsName.MaxPointerTarget)
        {
            return -1;
        }

        var start = Position;
        var destination = _buffer[start..];
        wire.CopyTo(destination);
        if (ownerOffset != DnsHeader.Size)
        {
            var pointer = (ushort)(DnsName.PointerFlag | ownerOffset);
            foreach (var offset in recordOffsets)
            {
                BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], pointer);
            }

            foreach (var offset in ownerPointersInData)
            {
                BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], pointer);
            }
        }

        Position += wire.Length;
        Count(section, recordOffsets.Length);
        return start;
    }

    private void Count(DnsSection section, int records)
    {
        var count = (ushort)records;
        switch (section)
        {
            case DnsSection.Answer:
                AnswerCount += count;
                break;
            case DnsSection.Authority:
                AuthorityCount += count;
                break;
            default:
                AdditionalCount += count;
                break;
        }
    }

    /// <summary>The OPT record (RFC 6891 §6.1.2) advertising our payload size; the caller keeps room for it.</summary>
    public void WriteOpt(byte extendedRCode, bool dnssecOk)
    {
        var opt = _buffer[Position..];
        opt[0] = 0; // root owner
        BinaryPrimitives.WriteUInt16BigEndian(opt[1..], (ushort)RecordType.OPT);
        BinaryPrimitives.WriteUInt16BigEndian(opt[3..], Edns.AdvertisedPayloadSize);
        var ttl = ((uint)extendedRCode << 24) | (dnssecOk ? (uint)Edns.DnssecOkBit : 0);
        BinaryPrimitives.WriteUInt32BigEndian(opt[5..], ttl);
        BinaryPrimitives.WriteUInt16BigEndian(opt[9..], 0);
        Position += OptSize;
        AdditionalCount++;
    }

    public readonly void WriteHeader(ushort id, ushort flags)
    {
        var header = new DnsHeader(id, flags, QuestionCount, AnswerCount, AuthorityCount, AdditionalCount);
        header.TryWrite(_buffer);
    }
}
