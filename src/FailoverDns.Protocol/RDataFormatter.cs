using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;

namespace FailoverDns.Protocol;

/// <summary>RDATA in presentation format (RFC 1035 §5.1, RFC 3597 §5 for unknown types).</summary>
public static class RDataFormatter
{
    public static string ToText(RecordType type, ReadOnlySpan<byte> rdata)
    {
        if (!RDataCodec.IsWellFormed(type, rdata))
        {
            return Unknown(rdata);
        }

        switch (type)
        {
            case RecordType.A or RecordType.AAAA:
                return new IPAddress(rdata).ToString();
            case RecordType.CNAME or RecordType.NS or RecordType.PTR:
                return DnsName.ToText(rdata);
            case RecordType.MX:
                return Invariant($"{BinaryPrimitives.ReadUInt16BigEndian(rdata)} {DnsName.ToText(rdata[2..])}");
            case RecordType.SRV:
                return Invariant($"{BinaryPrimitives.ReadUInt16BigEndian(rdata)} {BinaryPrimitives.ReadUInt16BigEndian(rdata[2..])} {BinaryPrimitives.ReadUInt16BigEndian(rdata[4..])} {DnsName.ToText(rdata[6..])}");
            case RecordType.SOA:
                var mname = DnsName.MeasureUncompressed(rdata);
                var rname = DnsName.MeasureUncompressed(rdata[mname..]);
                var numbers = rdata[(mname + rname)..];
                return Invariant($"{DnsName.ToText(rdata[..mname])} {DnsName.ToText(rdata.Slice(mname, rname))} {ReadUInt32(numbers, 0)} {ReadUInt32(numbers, 4)} {ReadUInt32(numbers, 8)} {ReadUInt32(numbers, 12)} {ReadUInt32(numbers, 16)}");
            case RecordType.NSEC:
                var next = DnsName.MeasureUncompressed(rdata);
                return next < 0 ? Unknown(rdata) : string.Join(' ', [DnsName.ToText(rdata[..next]), .. Dnssec.NsecData.Types(rdata.ToArray()).Select(t => t.ToName())]);
            case RecordType.DNSKEY when rdata.Length > 4:
                return Invariant($"{BinaryPrimitives.ReadUInt16BigEndian(rdata)} {rdata[2]} {rdata[3]} {Convert.ToBase64String(rdata[4..])}");
            case RecordType.RRSIG when rdata.Length > 18 && DnsName.MeasureUncompressed(rdata[18..]) is > 0 and var signer:
                return Invariant($"{((RecordType)BinaryPrimitives.ReadUInt16BigEndian(rdata)).ToName()} {rdata[2]} {rdata[3]} {ReadUInt32(rdata, 4)} {Timestamp(ReadUInt32(rdata, 8))} {Timestamp(ReadUInt32(rdata, 12))} {BinaryPrimitives.ReadUInt16BigEndian(rdata[16..])} {DnsName.ToText(rdata.Slice(18, signer))} {Convert.ToBase64String(rdata[(18 + signer)..])}");
            case RecordType.TXT:
                var builder = new StringBuilder();
                var position = 0;
                while (position < rdata.Length)
                {
                    if (builder.Length > 0)
                    {
                        builder.Append(' ');
                    }

                    AppendQuoted(builder, rdata.Slice(position + 1, rdata[position]));
                    position += 1 + rdata[position];
                }

                return builder.ToString();
            case RecordType.CAA:
                var tag = Encoding.ASCII.GetString(rdata.Slice(2, rdata[1]));
                var caa = new StringBuilder(Invariant($"{rdata[0]} {tag} "));
                AppendQuoted(caa, rdata[(2 + rdata[1])..]);
                return caa.ToString();
            case RecordType.DS:
                return Invariant($"{BinaryPrimitives.ReadUInt16BigEndian(rdata)} {rdata[2]} {rdata[3]} {SplitHex(rdata[4..])}");
            default:
                return Unknown(rdata);
        }
    }

    /// <summary>Uppercase hex in chunks of 56 characters, as dig prints digests (its default +split).</summary>
    private static string SplitHex(ReadOnlySpan<byte> data)
    {
        const int ChunkBytes = 28;
        var builder = new StringBuilder();
        for (var offset = 0; offset < data.Length; offset += ChunkBytes)
        {
            builder.Append(offset == 0 ? "" : " ").Append(Convert.ToHexString(data.Slice(offset, Math.Min(ChunkBytes, data.Length - offset))));
        }

        return builder.ToString();
    }

    private static string Unknown(ReadOnlySpan<byte> rdata) =>
        rdata.IsEmpty ? @"\# 0" : Invariant($@"\# {rdata.Length} {Convert.ToHexStringLower(rdata)}");

    private static uint ReadUInt32(ReadOnlySpan<byte> span, int offset) => BinaryPrimitives.ReadUInt32BigEndian(span[offset..]);

    private static void AppendQuoted(StringBuilder builder, ReadOnlySpan<byte> text)
    {
        builder.Append('"');
        foreach (var b in text)
        {
            switch (b)
            {
                case (byte)'"' or (byte)'\\':
                    builder.Append('\\').Append((char)b);
                    break;
                case < 0x20 or >= 0x7F:
                    builder.Append('\\').Append(b.ToString("D3", CultureInfo.InvariantCulture));
                    break;
                default:
                    builder.Append((char)b);
                    break;
            }
        }

        builder.Append('"');
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    /// <summary>An RRSIG time as zone files write it: YYYYMMDDHHmmSS in UTC (RFC 4034 §3.2).</summary>
    private static string Timestamp(uint seconds) => DateTimeOffset.FromUnixTimeSeconds(seconds).ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
}
