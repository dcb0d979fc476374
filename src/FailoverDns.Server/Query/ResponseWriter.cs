using System.Buffers.Binary;
using FailoverDns.Protocol;
using FailoverDns.Zones.Model;

namespace FailoverDns.Server.Query;

/// <summary>
/// Fills a reply in place under a byte budget. An RRset is written whole or not at all, so a
/// truncated reply never holds part of an RRset (RFC 2181 §9).
/// </summary>
internal ref struct ResponseWriter
{
    private const int MaxPointerTarget = 0x3FFF;
    private const int RecordHeaderSize = 12; // owner pointer, type, class, TTL, RDLENGTH

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

    public ushort AnswerCount { get; set; }

    public ushort AuthorityCount { get; set; }

    public ushort AdditionalCount { get; set; }

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
    /// Writes every record of <paramref name="rrset"/> with its owner as a pointer to
    /// <paramref name="ownerOffset"/>; returns where the RRset starts, or -1 if it does not fit.
    /// </summary>
    public int TryWriteRRset(RRset rrset, int ownerOffset)
    {
        var wire = rrset.Wire;
        if (Position + wire.Length > _limit || ownerOffset > MaxPointerTarget)
        {
            return -1;
        }

        var start = Position;
        var destination = _buffer[start..];
        wire.CopyTo(destination);
        if (ownerOffset != DnsHeader.Size)
        {
            var pointer = (ushort)(0xC000 | ownerOffset);
            foreach (var offset in rrset.RecordOffsets)
            {
                BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], pointer);
            }
        }

        Position += wire.Length;
        return start;
    }

    /// <summary>The OPT record (RFC 6891 §6.1.2); the caller keeps room for it.</summary>
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

    public const int OptSize = 11;

    public static int RecordDataOffset => RecordHeaderSize;

    public readonly void WriteHeader(ushort id, ushort flags)
    {
        var header = new DnsHeader(id, flags, QuestionCount, AnswerCount, AuthorityCount, AdditionalCount);
        header.TryWrite(_buffer);
    }
}
