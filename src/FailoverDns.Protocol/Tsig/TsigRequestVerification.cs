namespace FailoverDns.Protocol.Tsig;

/// <summary>
/// What <see cref="TsigExchange.VerifyRequest"/> found, and what answering the request with
/// <see cref="TsigExchange.TrySignResponse"/> or a <see cref="TsigResponseSigner"/> needs from it.
/// </summary>
public sealed class TsigRequestVerification
{
    internal static readonly TsigRequestVerification NoTsig = new(TsigStatus.NoTsig);
    internal static readonly TsigRequestVerification FormErr = new(TsigStatus.FormErr);

    internal TsigRequestVerification(TsigStatus status)
    {
        Status = status;
    }

    public TsigStatus Status { get; }

    /// <summary>The key that signed the request, when it is known.</summary>
    public TsigKey? Key { get; internal init; }

    /// <summary>The key name as the request gave it, echoed in error responses even when unknown (RFC 8945 §5.3.2).</summary>
    public byte[] KeyName { get; internal init; } = [];

    /// <summary>The algorithm name as the request gave it.</summary>
    public byte[] AlgorithmName { get; internal init; } = [];

    /// <summary>The request's MAC, which the response's digest starts with (RFC 8945 §4.3.1).</summary>
    public byte[] Mac { get; internal init; } = [];

    public long TimeSigned { get; internal init; }

    public ushort Fudge { get; internal init; }

    /// <summary>Where the TSIG record starts: the request without it is this long; -1 when it has none or it is malformed.</summary>
    public int TsigStart { get; internal init; } = -1;

    /// <summary>The TSIG error a response to this request carries (RFC 8945 §5.2).</summary>
    public TsigError Error => Status switch
    {
        TsigStatus.BadKey => TsigError.BadKey,
        TsigStatus.BadSig => TsigError.BadSig,
        TsigStatus.BadTime => TsigError.BadTime,
        TsigStatus.BadTrunc => TsigError.BadTrunc,
        _ => TsigError.NoError,
    };
}
