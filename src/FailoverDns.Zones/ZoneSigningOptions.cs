using FailoverDns.Protocol.Dnssec;

namespace FailoverDns.Zones;

/// <summary>A zone's DNSSEC settings (README, DNSSEC): the keys that sign it and how long signatures last.</summary>
/// <param name="Keys">The keys that sign every RRset.</param>
public sealed record ZoneSigningOptions(IReadOnlyList<SigningKey> Keys)
{
    /// <summary>The keys in its DNSKEY RRset: those that sign, and during a rollover those published ahead or kept after.</summary>
    public IReadOnlyList<SigningKey> Published { get; init; } = Keys;

    public static readonly TimeSpan DefaultValidity = TimeSpan.FromDays(14);

    public static readonly TimeSpan DefaultRefreshBefore = TimeSpan.FromDays(7);

    /// <summary>Signatures start this long before they are made, for validators whose clocks are behind.</summary>
    public static readonly TimeSpan InceptionSkew = TimeSpan.FromHours(1);

    /// <summary>How long a signature is valid from when it is made.</summary>
    public TimeSpan Validity { get; init; } = DefaultValidity;

    /// <summary>A signature is made again when less than this is left of it.</summary>
    public TimeSpan RefreshBefore { get; init; } = DefaultRefreshBefore;

    /// <summary>The directory the keys were read from (for messages and the CLI).</summary>
    public string KeyDirectory { get; init; } = "";
}
