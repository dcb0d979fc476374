using System.Buffers.Binary;

namespace FailoverDns.Protocol;

/// <summary>
/// A whole message as objects, for tools and tests (the query path uses <see cref="QueryParser"/>).
/// Parsing is strict: any structural fault, trailing bytes or a second OPT fails it.
/// </summary>
public sealed record DnsMessage(
    DnsHeader Header,
    IReadOnlyList<DnsQuestion> Questions,
    IReadOnlyList<DnsRecord> Answers,
    IReadOnlyList<DnsRecord> Authorities,
    IReadOnlyList<DnsRecord> Additionals,
    Edns? Edns)
{
    /// <summary>The full RCODE: the header's four bits extended by the OPT record (RFC 6891 §6.1.3).</summary>
    public int ResponseCode => Header.ResponseCode | ((Edns?.ExtendedRCode ?? 0) << 4);

    public static bool TryParse(ReadOnlySpan<byte> message, out DnsMessage? result)
    {
        result = null;
        if (!DnsHeader.TryRead(message, out var header))
        {
            return false;
        }

        var offset = DnsHeader.Size;
        Span<byte> name = stackalloc byte[DnsName.MaxLength];
        var questions = new List<DnsQuestion>(Math.Min((int)header.QuestionCount, 4));
        for (var i = 0; i < header.QuestionCount; i++)
        {
            if (!DnsName.TryRead(message, offset, name, out var consumed, out var nameLength) || offset + consumed + 4 > message.Length)
            {
                return false;
            }

            offset += consumed;
            questions.Add(new DnsQuestion(
                name[..nameLength].ToArray(),
                (RecordType)BinaryPrimitives.ReadUInt16BigEndian(message[offset..]),
                BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 2)..])));
            offset += 4;
        }

        Edns? edns = null;
        var answers = new List<DnsRecord>();
        var authorities = new List<DnsRecord>();
        var additionals = new List<DnsRecord>();
        int[] counts = [header.AnswerCount, header.AuthorityCount, header.AdditionalCount];
        List<DnsRecord>[] sections = [answers, authorities, additionals];
        for (var section = 0; section < 3; section++)
        {
            for (var i = 0; i < counts[section]; i++)
            {
                if (!TryReadRecord(message, ref offset, out var record))
                {
                    return false;
                }

                if (record.Type == RecordType.OPT)
                {
                    // Exactly one OPT, only in the additional section, owned by the root (RFC 6891 §6.1.1).
                    if (section != 2 || edns is not null || record.Name is not [0])
                    {
                        return false;
                    }

                    if (!TryReadOptions(record.Data, out var options))
                    {
                        return false;
                    }

                    edns = Edns.FromTtlField(record.Class, record.Ttl, options);
                    continue;
                }

                sections[section].Add(record);
            }
        }

        if (offset != message.Length)
        {
            return false;
        }

        result = new DnsMessage(header, questions, answers, authorities, additionals, edns);
        return true;
    }

    /// <summary>Writes the message with name compression; counts in the header are recomputed.</summary>
    public bool TryWrite(Span<byte> destination, out int written)
    {
        written = 0;
        var writer = new DnsMessageWriter(destination);
        var header = Header with
        {
            QuestionCount = (ushort)Questions.Count,
            AnswerCount = (ushort)Answers.Count,
            AuthorityCount = (ushort)Authorities.Count,
            AdditionalCount = (ushort)(Additionals.Count + (Edns is null ? 0 : 1)),
        };
        if (!writer.TryWriteHeader(header))
        {
            return false;
        }

        foreach (var question in Questions)
        {
            if (!writer.TryWriteName(question.Name) || !writer.TryWriteUInt16((ushort)question.Type) || !writer.TryWriteUInt16(question.Class))
            {
                return false;
            }
        }

        foreach (var record in Answers.Concat(Authorities).Concat(Additionals))
        {
            if (!writer.TryWriteRecord(record))
            {
                return false;
            }
        }

        if (Edns is not null && !writer.TryWriteOpt(Edns))
        {
            return false;
        }

        written = writer.Position;
        return true;
    }

    public byte[] ToArray()
    {
        var buffer = new byte[ushort.MaxValue];
        return TryWrite(buffer, out var written) ? buffer[..written] : throw new InvalidOperationException("The message does not fit in 65535 bytes.");
    }

    private static bool TryReadRecord(ReadOnlySpan<byte> message, ref int offset, out DnsRecord record)
    {
        record = null!;
        Span<byte> name = stackalloc byte[DnsName.MaxLength];
        if (!DnsName.TryRead(message, offset, name, out var consumed, out var nameLength))
        {
            return false;
        }

        offset += consumed;
        if (offset + 10 > message.Length)
        {
            return false;
        }

        var type = (RecordType)BinaryPrimitives.ReadUInt16BigEndian(message[offset..]);
        var @class = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 2)..]);
        var ttl = BinaryPrimitives.ReadUInt32BigEndian(message[(offset + 4)..]);
        int length = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 8)..]);
        offset += 10;
        var data = new byte[Math.Max(length + 2 * DnsName.MaxLength, 0)];
        if (!RDataCodec.TryRead(message, offset, length, type, data, out var dataLength))
        {
            return false;
        }

        offset += length;
        record = new DnsRecord(name[..nameLength].ToArray(), type, @class, ttl, data[..dataLength]);
        return true;
    }

    private static bool TryReadOptions(ReadOnlySpan<byte> data, out List<EdnsOption> options)
    {
        options = [];
        var position = 0;
        while (position < data.Length)
        {
            if (position + 4 > data.Length)
            {
                return false;
            }

            var code = BinaryPrimitives.ReadUInt16BigEndian(data[position..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(data[(position + 2)..]);
            if (position + 4 + length > data.Length)
            {
                return false;
            }

            options.Add(new EdnsOption(code, data.Slice(position + 4, length).ToArray()));
            position += 4 + length;
        }

        return true;
    }
}
