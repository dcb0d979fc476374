namespace FailoverDns.Protocol;

/// <summary>The OPT pseudo-record's contents (RFC 6891 §6.1.3).</summary>
public sealed record Edns(ushort PayloadSize, byte ExtendedRCode, byte Version, bool DnssecOk, IReadOnlyList<EdnsOption> Options)
{
    /// <summary>The UDP payload size this server advertises (DNS flag day 2020).</summary>
    public const ushort AdvertisedPayloadSize = 1232;

    public const int DnssecOkBit = 0x8000;

    /// <summary>The TTL field of the OPT record: extended RCODE, version, DO and Z.</summary>
    public uint TtlField => ((uint)ExtendedRCode << 24) | ((uint)Version << 16) | (DnssecOk ? (uint)DnssecOkBit : 0);

    public static Edns FromTtlField(ushort payloadSize, uint ttl, IReadOnlyList<EdnsOption> options) =>
        new(payloadSize, (byte)(ttl >> 24), (byte)(ttl >> 16), (ttl & DnssecOkBit) != 0, options);
}
