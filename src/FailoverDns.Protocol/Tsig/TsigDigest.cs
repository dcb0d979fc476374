using System.Buffers.Binary;
using System.Security.Cryptography;

namespace FailoverDns.Protocol.Tsig;

/// <summary>The pieces fed to the HMAC, in the order RFC 8945 §4.3 gives them.</summary>
internal static class TsigDigest
{
    /// <summary>A request's or previous message's MAC, length first (§4.3.1, §4.3.2).</summary>
    public static void AppendPriorMac(IncrementalHash hmac, ReadOnlySpan<byte> mac)
    {
        Span<byte> size = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(size, (ushort)mac.Length);
        hmac.AppendData(size);
        hmac.AppendData(mac);
    }

    /// <summary>
    /// The message up to <paramref name="end"/> (where its TSIG starts, or its length), with the
    /// original ID in place of the ID and, when a TSIG was removed, ARCOUNT one lower (§4.3.2).
    /// </summary>
    public static void AppendMessage(IncrementalHash hmac, ReadOnlySpan<byte> message, int end, ushort originalId, bool tsigRemoved)
    {
        Span<byte> header = stackalloc byte[DnsHeader.Size];
        message[..DnsHeader.Size].CopyTo(header);
        BinaryPrimitives.WriteUInt16BigEndian(header, originalId);
        if (tsigRemoved)
        {
            BinaryPrimitives.WriteUInt16BigEndian(header[10..], (ushort)(BinaryPrimitives.ReadUInt16BigEndian(header[10..]) - 1));
        }

        hmac.AppendData(header);
        hmac.AppendData(message[DnsHeader.Size..end]);
    }

    /// <summary>The TSIG variables (§4.3.3): names in canonical (lower-case) form, class ANY, TTL 0.</summary>
    public static void AppendVariables(
        IncrementalHash hmac,
        ReadOnlySpan<byte> keyName,
        ReadOnlySpan<byte> algorithmName,
        long timeSigned,
        ushort fudge,
        ushort error,
        ReadOnlySpan<byte> otherData)
    {
        Span<byte> name = stackalloc byte[DnsName.MaxLength];
        AppendLowerCase(hmac, keyName, name);
        Span<byte> classAndTtl = [0, (byte)RecordClass.ANY, 0, 0, 0, 0];
        hmac.AppendData(classAndTtl);
        AppendLowerCase(hmac, algorithmName, name);
        AppendTimers(hmac, timeSigned, fudge);
        Span<byte> errorAndOtherLength = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16BigEndian(errorAndOtherLength, error);
        BinaryPrimitives.WriteUInt16BigEndian(errorAndOtherLength[2..], (ushort)otherData.Length);
        hmac.AppendData(errorAndOtherLength);
        hmac.AppendData(otherData);
    }

    /// <summary>Time signed and fudge: all the variables a later message of a stream adds (§4.3.1).</summary>
    public static void AppendTimers(IncrementalHash hmac, long timeSigned, ushort fudge)
    {
        Span<byte> timers = stackalloc byte[8];
        TsigRecord.WriteUInt48(timers, timeSigned);
        BinaryPrimitives.WriteUInt16BigEndian(timers[6..], fudge);
        hmac.AppendData(timers);
    }

    private static void AppendLowerCase(IncrementalHash hmac, ReadOnlySpan<byte> name, Span<byte> scratch)
    {
        var copy = scratch[..name.Length];
        name.CopyTo(copy);
        DnsName.ToLowerInPlace(copy);
        hmac.AppendData(copy);
    }
}
