using System.Buffers.Binary;

namespace FailoverDns.Protocol;

/// <summary>
/// Writes a message into a span with name compression (RFC 1035 §4.1.4). Every write is a
/// <c>Try…</c> that leaves the position unchanged when the data does not fit.
/// </summary>
public ref struct DnsMessageWriter
{
    private const int MaxCompressionEntries = 64;

    private readonly Span<byte> _buffer;
    private readonly ushort[] _labelOffsets;
    private int _labelCount;

    public DnsMessageWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _labelOffsets = new ushort[MaxCompressionEntries];
    }

    public int Position { get; private set; }

    public bool TryWriteHeader(DnsHeader header)
    {
        if (!header.TryWrite(_buffer[Position..]))
        {
            return false;
        }

        Position += DnsHeader.Size;
        return true;
    }

    public bool TryWriteUInt16(ushort value)
    {
        if (_buffer.Length - Position < 2)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt16BigEndian(_buffer[Position..], value);
        Position += 2;
        return true;
    }

    public bool TryWriteUInt32(uint value)
    {
        if (_buffer.Length - Position < 4)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt32BigEndian(_buffer[Position..], value);
        Position += 4;
        return true;
    }

    public bool TryWriteBytes(ReadOnlySpan<byte> bytes)
    {
        if (!bytes.TryCopyTo(_buffer[Position..]))
        {
            return false;
        }

        Position += bytes.Length;
        return true;
    }

    /// <summary>Writes an uncompressed wire name, replacing its longest already-written suffix by a pointer.</summary>
    public bool TryWriteName(ReadOnlySpan<byte> name)
    {
        var start = Position;
        var labelStart = 0;
        var newLabels = 0;
        Span<int> newOffsets = stackalloc int[128];
        while (name[labelStart] != 0)
        {
            var match = FindSuffix(name[labelStart..]);
            if (match >= 0)
            {
                if (!TryWriteBytes(name[..labelStart]) || !TryWriteUInt16((ushort)(DnsName.PointerFlag | match)))
                {
                    Position = start;
                    return false;
                }

                Remember(start, newOffsets[..newLabels]);
                return true;
            }

            newOffsets[newLabels++] = labelStart;
            labelStart += 1 + name[labelStart];
        }

        if (!TryWriteBytes(name))
        {
            Position = start;
            return false;
        }

        Remember(start, newOffsets[..newLabels]);
        return true;
    }

    public bool TryWriteRecord(DnsRecord record)
    {
        var start = Position;
        if (!TryWriteName(record.Name)
            || !TryWriteUInt16((ushort)record.Type)
            || !TryWriteUInt16(record.Class)
            || !TryWriteUInt32(record.Ttl)
            || !TryWriteUInt16((ushort)record.Data.Length)
            || !TryWriteBytes(record.Data))
        {
            Position = start;
            return false;
        }

        return true;
    }

    public bool TryWriteOpt(Edns edns)
    {
        var start = Position;
        var optionsLength = edns.Options.Sum(o => 4 + o.Data.Length);
        var ok = TryWriteBytes(DnsName.Root)
            && TryWriteUInt16((ushort)RecordType.OPT)
            && TryWriteUInt16(edns.PayloadSize)
            && TryWriteUInt32(edns.TtlField)
            && TryWriteUInt16((ushort)optionsLength);
        foreach (var option in edns.Options)
        {
            ok = ok && TryWriteUInt16(option.Code) && TryWriteUInt16((ushort)option.Data.Length) && TryWriteBytes(option.Data);
        }

        if (!ok)
        {
            Position = start;
        }

        return ok;
    }

    private readonly int FindSuffix(ReadOnlySpan<byte> suffix)
    {
        for (var i = 0; i < _labelCount; i++)
        {
            if (NameAtEquals(_labelOffsets[i], suffix))
            {
                return _labelOffsets[i];
            }
        }

        return -1;
    }

    private readonly bool NameAtEquals(int offset, ReadOnlySpan<byte> name)
    {
        Span<byte> written = stackalloc byte[DnsName.MaxLength];
        return DnsName.TryRead(_buffer[..Position], offset, written, out _, out var length)
            && DnsName.EqualsIgnoreCase(written[..length], name);
    }

    private void Remember(int nameStart, scoped ReadOnlySpan<int> labelOffsets)
    {
        foreach (var labelOffset in labelOffsets)
        {
            var offset = nameStart + labelOffset;
            if (offset > DnsName.MaxPointerTarget || _labelCount == _labelOffsets.Length)
            {
                return;
            }

            _labelOffsets[_labelCount++] = (ushort)offset;
        }
    }
}
