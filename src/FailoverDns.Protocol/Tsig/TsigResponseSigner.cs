using System.Security.Cryptography;

namespace FailoverDns.Protocol.Tsig;

/// <summary>
/// Signs the responses to one signed request in order: a single response, or each message of an
/// AXFR/IXFR stream over TCP. The first digest starts with the request's MAC and has all the TSIG
/// variables; each later one starts with the previous message's MAC and has only the timers
/// (RFC 8945 §4.3.1, §5.3.1). Every message is signed, which the RFC allows and BIND and Knot accept.
/// </summary>
public sealed class TsigResponseSigner : IDisposable
{
    private readonly TsigKey _key;
    private readonly TimeProvider _clock;
    private readonly ushort _fudge;
    private readonly IncrementalHash _hmac;
    private readonly byte[] _priorMac = new byte[TsigExchange.MaxMacSize];
    private int _priorMacLength;

    public TsigResponseSigner(TsigKey key, ReadOnlySpan<byte> requestMac, TimeProvider clock, ushort fudge = TsigExchange.DefaultFudge)
    {
        if (requestMac.Length > TsigExchange.MaxMacSize)
        {
            throw new ArgumentException("The request MAC is longer than any supported algorithm's.", nameof(requestMac));
        }

        _key = key;
        _clock = clock;
        _fudge = fudge;
        _hmac = key.CreateHmac();
        requestMac.CopyTo(_priorMac);
        _priorMacLength = requestMac.Length;
    }

    /// <summary>A signer for the responses to a request whose TSIG was <see cref="TsigStatus.Ok"/>.</summary>
    public static TsigResponseSigner For(TsigRequestVerification request, TimeProvider clock) =>
        request.Status == TsigStatus.Ok
            ? new TsigResponseSigner(request.Key!, request.Mac, clock)
            : throw new InvalidOperationException($"Only a request whose TSIG verified is answered by a signed stream, not one with {request.Status}.");

    public int MessagesSigned { get; private set; }

    /// <summary>
    /// Appends a TSIG after <paramref name="length"/> bytes of message in <paramref name="buffer"/>
    /// and counts it in ARCOUNT; false, with the signer unchanged, when it does not fit.
    /// </summary>
    public bool TrySign(Span<byte> buffer, int length, out int written)
    {
        var algorithmName = TsigAlgorithms.WireName(_key.Algorithm);
        var now = TsigExchange.Now(_clock);
        var id = TsigExchange.OriginalId(buffer);
        TsigDigest.AppendPriorMac(_hmac, _priorMac.AsSpan(0, _priorMacLength));
        TsigDigest.AppendMessage(_hmac, buffer, length, id, tsigRemoved: false);
        if (MessagesSigned == 0)
        {
            TsigDigest.AppendVariables(_hmac, _key.Name, algorithmName, now, _fudge, error: 0, otherData: []);
        }
        else
        {
            TsigDigest.AppendTimers(_hmac, now, _fudge);
        }

        Span<byte> mac = stackalloc byte[TsigExchange.MaxMacSize];
        var size = _hmac.GetHashAndReset(mac);
        if (!TsigRecord.TryAppend(buffer, length, _key.Name, algorithmName, now, _fudge, mac[..size], id, error: 0, otherData: [], out written))
        {
            return false;
        }

        mac[..size].CopyTo(_priorMac);
        _priorMacLength = size;
        MessagesSigned++;
        return true;
    }

    public void Dispose() => _hmac.Dispose();
}
