using System.Buffers.Binary;

namespace FailoverDns.Protocol;

/// <summary>The fixed 12-byte message header (RFC 1035 §4.1.1).</summary>
public readonly record struct DnsHeader(
    ushort Id,
    ushort Flags,
    ushort QuestionCount,
    ushort AnswerCount,
    ushort AuthorityCount,
    ushort AdditionalCount)
{
    public const int Size = 12;

    public const ushort QueryResponseFlag = 0x8000; // QR
    public const ushort AuthoritativeFlag = 0x0400; // AA
    public const ushort TruncatedFlag = 0x0200; // TC
    public const ushort RecursionDesiredFlag = 0x0100; // RD
    public const ushort RecursionAvailableFlag = 0x0080; // RA
    public const ushort CheckingDisabledFlag = 0x0010; // CD (RFC 4035 §3.2.2)

    public bool IsResponse => (Flags & QueryResponseFlag) != 0;

    public bool IsAuthoritative => (Flags & AuthoritativeFlag) != 0;

    public bool IsTruncated => (Flags & TruncatedFlag) != 0;

    public bool RecursionDesired => (Flags & RecursionDesiredFlag) != 0;

    public bool RecursionAvailable => (Flags & RecursionAvailableFlag) != 0;

    public OpCode OpCode => (OpCode)((Flags >> 11) & 0xF);

    /// <summary>The 4-bit RCODE of the header alone (without the OPT extension).</summary>
    public int ResponseCode => Flags & 0xF;

    public static bool TryRead(ReadOnlySpan<byte> message, out DnsHeader header)
    {
        if (message.Length < Size)
        {
            header = default;
            return false;
        }

        header = new DnsHeader(
            BinaryPrimitives.ReadUInt16BigEndian(message),
            BinaryPrimitives.ReadUInt16BigEndian(message[2..]),
            BinaryPrimitives.ReadUInt16BigEndian(message[4..]),
            BinaryPrimitives.ReadUInt16BigEndian(message[6..]),
            BinaryPrimitives.ReadUInt16BigEndian(message[8..]),
            BinaryPrimitives.ReadUInt16BigEndian(message[10..]));
        return true;
    }

    public bool TryWrite(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination, Id);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], Flags);
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], QuestionCount);
        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], AnswerCount);
        BinaryPrimitives.WriteUInt16BigEndian(destination[8..], AuthorityCount);
        BinaryPrimitives.WriteUInt16BigEndian(destination[10..], AdditionalCount);
        return true;
    }
}
