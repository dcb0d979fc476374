using System.Buffers.Binary;
using FailoverDns.Protocol.Tsig;
using FailoverDns.Testing;
using FluentAssertions;

namespace FailoverDns.Protocol.Tests.Tsig;

/// <summary>Keys, clocks and messages shared by the TSIG tests.</summary>
internal static class TsigTestMessages
{
    /// <summary>A base64 secret as <c>keymgr -t</c> or <c>tsig-keygen</c> would print one (32 bytes).</summary>
    public const string Secret256 = "2ZBfPbQDsPf0yDx8wdlUtgfRoEsaOuJK7Gkp8OezTc4=";

    /// <summary>64 bytes, the size of an HMAC-SHA512 output.</summary>
    public const string Secret512 = "VGhpcyBpcyBhIDY0LWJ5dGUgc2VjcmV0IGZvciBobWFjLXNoYTUxMiB0ZXN0aW5nIG9mIFRTSUcgISEhISEhIQ==";

    public static readonly DateTimeOffset Noon = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    public static TsigKey Key(string algorithm = "hmac-sha256", string name = "transfer.key") => KeyText(algorithm, name).ToKey();

    /// <summary>A key as a key file or a tool's command line gives it.</summary>
    public static KeyText KeyText(string algorithm = "hmac-sha256", string name = "transfer.key") =>
        new(name, algorithm, algorithm == "hmac-sha512" ? Secret512 : Secret256);

    public static byte[] Query(ushort id = 0x4242, string name = "example.test", RecordType type = RecordType.SOA) =>
        new DnsMessage(new DnsHeader(id, 0, 0, 0, 0, 0), [new DnsQuestion(Wire.Name(name), type, (ushort)RecordClass.IN)], [], [], [], null).ToArray();

    /// <summary>A response to <see cref="Query"/>: <paramref name="answers"/> A records under example.test.</summary>
    public static byte[] Response(ushort id = 0x4242, int answers = 1, int firstAddress = 1)
    {
        var records = Enumerable.Range(firstAddress, answers)
            .Select(i => new DnsRecord(Wire.Name($"h{i}.example.test"), RecordType.A, (ushort)RecordClass.IN, 300, [192, 0, 2, (byte)i]))
            .ToList();
        var header = new DnsHeader(id, DnsHeader.QueryResponseFlag | DnsHeader.AuthoritativeFlag, 0, 0, 0, 0);
        return new DnsMessage(header, [new DnsQuestion(Wire.Name("example.test"), RecordType.A, (ushort)RecordClass.IN)], records, [], [], null).ToArray();
    }

    public static byte[] SignRequest(byte[] message, TsigKey key, TimeProvider clock, out byte[] mac)
    {
        var buffer = Buffer(message);
        TsigExchange.TrySignRequest(buffer, message.Length, key, clock, out var written, out mac).Should().BeTrue();
        return buffer[..written];
    }

    public static byte[] SignResponse(byte[] message, TsigRequestVerification request, TimeProvider clock)
    {
        var buffer = Buffer(message);
        TsigExchange.TrySignResponse(buffer, message.Length, request, clock, out var written).Should().BeTrue();
        return buffer[..written];
    }

    public static byte[] Buffer(byte[] message)
    {
        var buffer = new byte[ushort.MaxValue];
        message.CopyTo(buffer, 0);
        return buffer;
    }

    public static ushort AdditionalCount(byte[] message) => BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(10));

    /// <summary>The TSIG record's fields, read independently of the code under test (uncompressed owner).</summary>
    public static TsigFields ReadTsig(byte[] signed, int tsigStart)
    {
        var position = tsigStart + MeasureName(signed, tsigStart) + 10;
        var algorithmLength = MeasureName(signed, position);
        var fields = position + algorithmLength;
        var macSize = BinaryPrimitives.ReadUInt16BigEndian(signed.AsSpan(fields + 8));
        var afterMac = fields + 10 + macSize;
        var otherLength = BinaryPrimitives.ReadUInt16BigEndian(signed.AsSpan(afterMac + 4));
        return new TsigFields(
            Owner: signed[tsigStart..(tsigStart + MeasureName(signed, tsigStart))],
            Algorithm: signed[position..fields],
            TimeSigned: ((long)BinaryPrimitives.ReadUInt16BigEndian(signed.AsSpan(fields)) << 32) | BinaryPrimitives.ReadUInt32BigEndian(signed.AsSpan(fields + 2)),
            Fudge: BinaryPrimitives.ReadUInt16BigEndian(signed.AsSpan(fields + 6)),
            Mac: signed[(fields + 10)..afterMac],
            OriginalId: BinaryPrimitives.ReadUInt16BigEndian(signed.AsSpan(afterMac)),
            Error: BinaryPrimitives.ReadUInt16BigEndian(signed.AsSpan(afterMac + 2)),
            OtherData: signed[(afterMac + 6)..(afterMac + 6 + otherLength)]);
    }

    /// <summary>The message with its TSIG (starting at <paramref name="tsigStart"/>) rebuilt around another MAC.</summary>
    public static byte[] WithMac(byte[] signed, int tsigStart, byte[] mac)
    {
        var f = ReadTsig(signed, tsigStart);
        return Wire.Concat(signed[..tsigStart], TsigRecordBytes(f with { Mac = mac }));
    }

    public static byte[] TsigRecordBytes(TsigFields f, ushort @class = 255)
    {
        var rdata = Wire.Concat(
            f.Algorithm,
            [(byte)(f.TimeSigned >> 40), (byte)(f.TimeSigned >> 32), (byte)(f.TimeSigned >> 24), (byte)(f.TimeSigned >> 16), (byte)(f.TimeSigned >> 8), (byte)f.TimeSigned],
            U16(f.Fudge),
            U16((ushort)f.Mac.Length),
            f.Mac,
            U16(f.OriginalId),
            U16(f.Error),
            U16((ushort)f.OtherData.Length),
            f.OtherData);
        return Wire.Concat(f.Owner, U16(250), U16(@class), [0, 0, 0, 0], U16((ushort)rdata.Length), rdata);
    }

    public static byte[] U16(ushort value) => [(byte)(value >> 8), (byte)value];

    private static int MeasureName(byte[] message, int offset)
    {
        var position = offset;
        while (message[position] != 0)
        {
            position += 1 + message[position];
        }

        return position + 1 - offset;
    }
}

internal sealed record KeyText(string Name, string Algorithm, string Secret)
{
    public TsigKey ToKey() => TsigKey.FromText(Name, Algorithm, Secret);

    /// <summary>The <c>-y</c> argument of kdig and dig.</summary>
    public string ForDig => $"{Algorithm}:{Name}:{Secret}";
}

internal sealed record TsigFields(byte[] Owner, byte[] Algorithm, long TimeSigned, ushort Fudge, byte[] Mac, ushort OriginalId, ushort Error, byte[] OtherData);

/// <summary>A clock the test sets; TSIG reads only <see cref="GetUtcNow"/>.</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
