using System.Security.Cryptography;

namespace FailoverDns.Protocol.Tsig;

/// <summary>
/// Checks the responses to one request signed with a key, in order: a single response, or each
/// message of an AXFR/IXFR stream (RFC 8945 §5.3.1). The first message must be signed; later ones
/// may go unsigned, up to 99 in a row, and are then covered by the digest of the next signed one.
/// The first failure is final: every later message gets the same status.
/// </summary>
public sealed class TsigResponseVerifier : IDisposable
{
    /// <summary>At most this many unsigned messages in a row (§5.3.1: every 100th must be signed).</summary>
    private const int MaxUnsignedInARow = 99;

    private readonly TsigKey _key;
    private readonly TimeProvider _clock;
    private readonly IncrementalHash _hmac;
    private readonly byte[] _priorMac = new byte[TsigExchange.MaxMacSize];
    private int _priorMacLength;
    private int _unsignedInARow;
    private TsigStatus? _failure;

    public TsigResponseVerifier(TsigKey key, ReadOnlySpan<byte> requestMac, TimeProvider clock)
    {
        if (requestMac.Length > TsigExchange.MaxMacSize)
        {
            throw new ArgumentException("The request MAC is longer than any supported algorithm's.", nameof(requestMac));
        }

        _key = key;
        _clock = clock;
        _hmac = key.CreateHmac();
        requestMac.CopyTo(_priorMac);
        _priorMacLength = requestMac.Length;
    }

    public int MessagesVerified { get; private set; }

    /// <summary>
    /// True when every message so far is covered by a verified MAC: the stream may end here. After an
    /// unsigned message it is false until the next signed one verifies.
    /// </summary>
    public bool IsComplete => _failure is null && MessagesVerified > 0 && _unsignedInARow == 0;

    /// <summary>
    /// Checks one message. <see cref="TsigStatus.NoTsig"/> for an unsigned message after the first:
    /// not yet verified, see <see cref="IsComplete"/>. For the first message, NoTsig is a failure.
    /// BADKEY, BADSIG, BADTIME or BADTRUNC in the TSIG error field of an error response are returned as such.
    /// </summary>
    public TsigStatus Verify(ReadOnlySpan<byte> message)
    {
        if (_failure is { } failure)
        {
            return failure;
        }

        var status = VerifyNext(message);
        if (status is not (TsigStatus.Ok or TsigStatus.NoTsig) || (status == TsigStatus.NoTsig && MessagesVerified == 0))
        {
            _failure = status;
        }

        return status;
    }

    public void Dispose() => _hmac.Dispose();

    private TsigStatus VerifyNext(ReadOnlySpan<byte> message)
    {
        Span<byte> keyNameBuffer = stackalloc byte[DnsName.MaxLength];
        switch (TsigRecord.Find(message, keyNameBuffer, out var tsig))
        {
            case TsigPresence.Malformed:
                return TsigStatus.FormErr;
            case TsigPresence.Absent:
                if (MessagesVerified == 0)
                {
                    return TsigStatus.NoTsig;
                }

                if (++_unsignedInARow > MaxUnsignedInARow)
                {
                    return TsigStatus.BadSig;
                }

                // The next signed message's digest covers this one whole, after the prior MAC (§4.3.1).
                if (_unsignedInARow == 1)
                {
                    TsigDigest.AppendPriorMac(_hmac, _priorMac.AsSpan(0, _priorMacLength));
                }

                _hmac.AppendData(message);
                return TsigStatus.NoTsig;
        }

        if (!DnsName.EqualsIgnoreCase(tsig.KeyName, _key.Name)
            || !TsigAlgorithms.TryFromWireName(tsig.AlgorithmName, out var algorithm)
            || algorithm != _key.Algorithm)
        {
            return TsigStatus.BadKey;
        }

        // An unsigned error response: the server could not check our request (§5.3.2).
        if (tsig.Mac.IsEmpty && tsig.Error != 0)
        {
            return ErrorStatus(tsig.Error);
        }

        var priorMac = _unsignedInARow == 0 ? _priorMac.AsSpan(0, _priorMacLength) : default;
        var status = TsigExchange.VerifyMac(message, tsig, _key, priorMac, timersOnly: MessagesVerified > 0, _hmac);
        if (status != TsigStatus.Ok)
        {
            return status;
        }

        tsig.Mac.CopyTo(_priorMac);
        _priorMacLength = tsig.Mac.Length;
        _unsignedInARow = 0;
        MessagesVerified++;

        // A signed error (BADTIME, §5.2.3) is authentic, but still an error; the time check is ours.
        if (tsig.Error != 0)
        {
            return ErrorStatus(tsig.Error);
        }

        return TsigExchange.IsWithinFudge(tsig.TimeSigned, tsig.Fudge, _clock) ? TsigStatus.Ok : TsigStatus.BadTime;
    }

    private static TsigStatus ErrorStatus(ushort error) => (TsigError)error switch
    {
        TsigError.BadKey => TsigStatus.BadKey,
        TsigError.BadSig => TsigStatus.BadSig,
        TsigError.BadTime => TsigStatus.BadTime,
        TsigError.BadTrunc => TsigStatus.BadTrunc,
        _ => TsigStatus.FormErr,
    };
}
