using System.Buffers.Binary;

namespace FailoverDns.Protocol;

/// <summary>
/// Parses a request without allocating: header, the single question, and the OPT record.
/// Every other record is checked for structure and skipped.
/// </summary>
public static class QueryParser
{
    public static QueryParseStatus Parse(ReadOnlySpan<byte> message, Span<byte> questionName, out ParsedQuery query)
    {
        query = default;
        if (!DnsHeader.TryRead(message, out var header) || header.IsResponse)
        {
            return QueryParseStatus.Ignore;
        }

        query = query with { Header = header };
        if (header.QuestionCount != 1)
        {
            return QueryParseStatus.Malformed;
        }

        var offset = DnsHeader.Size;
        if (!DnsName.TryRead(message, offset, questionName, out var consumed, out var nameLength) || offset + consumed + 4 > message.Length)
        {
            return QueryParseStatus.Malformed;
        }

        offset += consumed;
        query = query with
        {
            HasQuestion = true,
            NameLength = nameLength,
            Type = (RecordType)BinaryPrimitives.ReadUInt16BigEndian(message[offset..]),
            Class = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 2)..]),
        };
        offset += 4;

        Span<byte> scratch = stackalloc byte[DnsName.MaxLength];
        var records = header.AnswerCount + header.AuthorityCount + header.AdditionalCount;
        var firstAdditional = header.AnswerCount + header.AuthorityCount;
        for (var i = 0; i < records; i++)
        {
            if (!DnsName.TryRead(message, offset, scratch, out consumed, out nameLength) || offset + consumed + 10 > message.Length)
            {
                return QueryParseStatus.Malformed;
            }

            var fixedPart = message[(offset + consumed)..];
            var type = (RecordType)BinaryPrimitives.ReadUInt16BigEndian(fixedPart);
            int length = BinaryPrimitives.ReadUInt16BigEndian(fixedPart[8..]);
            var dataStart = offset + consumed + 10;
            if (dataStart + length > message.Length)
            {
                return QueryParseStatus.Malformed;
            }

            if (type == RecordType.OPT)
            {
                // Exactly one OPT, in the additional section, owned by the root (RFC 6891 §6.1.1).
                if (i < firstAdditional || query.HasEdns || nameLength != 1 || !OptionsWellFormed(message.Slice(dataStart, length)))
                {
                    return QueryParseStatus.Malformed;
                }

                var ttl = BinaryPrimitives.ReadUInt32BigEndian(fixedPart[4..]);
                query = query with
                {
                    HasEdns = true,
                    PayloadSize = BinaryPrimitives.ReadUInt16BigEndian(fixedPart[2..]),
                    EdnsVersion = (byte)(ttl >> 16),
                    DnssecOk = (ttl & Edns.DnssecOkBit) != 0,
                };
            }

            else if (type == RecordType.TSIG)
            {
                // Last, in the additional section (RFC 8945 §5.1): the signature is checked by whoever answers signed queries.
                if (i < firstAdditional || i != records - 1)
                {
                    return QueryParseStatus.Malformed;
                }

                query = query with { HasTsig = true };
            }

            offset = dataStart + length;
        }

        return offset == message.Length ? QueryParseStatus.Ok : QueryParseStatus.Malformed;
    }

    private static bool OptionsWellFormed(ReadOnlySpan<byte> options)
    {
        var position = 0;
        while (position < options.Length)
        {
            if (position + 4 > options.Length)
            {
                return false;
            }

            position += 4 + BinaryPrimitives.ReadUInt16BigEndian(options[(position + 2)..]);
        }

        return position == options.Length;
    }
}
