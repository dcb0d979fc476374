using System.Buffers.Binary;
using System.Security.Cryptography;

namespace FailoverDns.Protocol.Tsig;

/// <summary>
/// TSIG (RFC 8945) for single messages: verifying a request and signing the response to it, and
/// signing a request and verifying its response. Streams of responses (AXFR, IXFR over TCP) use
/// <see cref="TsigResponseSigner"/> and <see cref="TsigResponseVerifier"/>.
/// </summary>
public static class TsigExchange
{
    /// <summary>The fudge RFC 8945 §10 recommends: 300 seconds.</summary>
    public const ushort DefaultFudge = 300;

    /// <summary>The largest MAC of the supported algorithms (HMAC-SHA512).</summary>
    internal const int MaxMacSize = 64;

    /// <summary>
    /// Checks the TSIG of a request in the order RFC 8945 §5.2 gives: format, key, MAC, time.
    /// A message without TSIG gives <see cref="TsigStatus.NoTsig"/> and allocates nothing.
    /// </summary>
    public static TsigRequestVerification VerifyRequest(ReadOnlySpan<byte> request, TsigKeyRing keys, TimeProvider clock)
    {
        Span<byte> keyNameBuffer = stackalloc byte[DnsName.MaxLength];
        switch (TsigRecord.Find(request, keyNameBuffer, out var tsig))
        {
            case TsigPresence.Absent:
                return TsigRequestVerification.NoTsig;
            case TsigPresence.Malformed:
                return TsigRequestVerification.FormErr;
        }

        var key = keys.Find(tsig.KeyName);
        TsigStatus status;
        if (key is null || !TsigAlgorithms.TryFromWireName(tsig.AlgorithmName, out var algorithm) || algorithm != key.Algorithm)
        {
            status = TsigStatus.BadKey;
        }
        else
        {
            status = VerifyMac(request, tsig, key, priorMac: default, timersOnly: false, hmac: null);
            if (status == TsigStatus.Ok && !IsWithinFudge(tsig.TimeSigned, tsig.Fudge, clock))
            {
                status = TsigStatus.BadTime;
            }
        }

        if (status == TsigStatus.FormErr)
        {
            return TsigRequestVerification.FormErr;
        }

        return new TsigRequestVerification(status)
        {
            Key = status == TsigStatus.BadKey ? null : key,
            KeyName = tsig.KeyName.ToArray(),
            AlgorithmName = tsig.AlgorithmName.ToArray(),
            Mac = tsig.Mac.ToArray(),
            TimeSigned = tsig.TimeSigned,
            Fudge = tsig.Fudge,
            TsigStart = tsig.Start,
        };
    }

    /// <summary>
    /// Appends the TSIG a response to <paramref name="request"/> carries after <paramref name="length"/>
    /// bytes of response in <paramref name="buffer"/>, and counts it in ARCOUNT. For
    /// <see cref="TsigStatus.Ok"/> the response is signed (§5.3). For BADKEY, BADSIG and BADTRUNC the
    /// TSIG is unsigned, MAC size 0 (§5.3.2); BADTIME is signed and carries the server's time in Other
    /// Data (§5.2.3). Errors also set the header RCODE to NOTAUTH (§5.2).
    /// </summary>
    /// <exception cref="InvalidOperationException">The request had no TSIG or a malformed one: nothing to answer with.</exception>
    public static bool TrySignResponse(Span<byte> buffer, int length, TsigRequestVerification request, TimeProvider clock, out int written)
    {
        switch (request.Status)
        {
            case TsigStatus.Ok:
                using (var signer = new TsigResponseSigner(request.Key!, request.Mac, clock))
                {
                    return signer.TrySign(buffer, length, out written);
                }

            case TsigStatus.BadTime:
                return TrySignBadTime(buffer, length, request, clock, out written);
            case TsigStatus.BadKey or TsigStatus.BadSig or TsigStatus.BadTrunc:
                SetNotAuth(buffer);
                return TsigRecord.TryAppend(
                    buffer, length, request.KeyName, request.AlgorithmName, Now(clock), DefaultFudge, mac: [],
                    OriginalId(buffer), (ushort)request.Error, otherData: [], out written);
            default:
                throw new InvalidOperationException($"A request with TSIG status {request.Status} gets a response without TSIG.");
        }
    }

    /// <summary>
    /// Signs a request (§4.3.2) by appending a TSIG after <paramref name="length"/> bytes in
    /// <paramref name="buffer"/>. <paramref name="mac"/> is what verifying the response needs.
    /// </summary>
    public static bool TrySignRequest(Span<byte> buffer, int length, TsigKey key, TimeProvider clock, out int written, out byte[] mac)
    {
        using var hmac = key.CreateHmac();
        var algorithmName = TsigAlgorithms.WireName(key.Algorithm);
        var now = Now(clock);
        var id = OriginalId(buffer);
        TsigDigest.AppendMessage(hmac, buffer, length, id, tsigRemoved: false);
        TsigDigest.AppendVariables(hmac, key.Name, algorithmName, now, DefaultFudge, error: 0, otherData: []);
        Span<byte> computed = stackalloc byte[MaxMacSize];
        var size = hmac.GetHashAndReset(computed);
        mac = computed[..size].ToArray();
        return TsigRecord.TryAppend(buffer, length, key.Name, algorithmName, now, DefaultFudge, mac, id, error: 0, otherData: [], out written);
    }

    /// <summary>Checks the TSIG of the single response to a request signed with <paramref name="key"/> whose MAC was <paramref name="requestMac"/>.</summary>
    public static TsigStatus VerifyResponse(ReadOnlySpan<byte> response, TsigKey key, ReadOnlySpan<byte> requestMac, TimeProvider clock)
    {
        using var verifier = new TsigResponseVerifier(key, requestMac, clock);
        return verifier.Verify(response);
    }

    internal static long Now(TimeProvider clock) => clock.GetUtcNow().ToUnixTimeSeconds();

    internal static bool IsWithinFudge(long timeSigned, ushort fudge, TimeProvider clock) => Math.Abs(Now(clock) - timeSigned) <= fudge;

    internal static ushort OriginalId(ReadOnlySpan<byte> message) => BinaryPrimitives.ReadUInt16BigEndian(message);

    /// <summary>
    /// Computes the MAC of a received message and compares it in constant time with the one it carries.
    /// With <paramref name="timersOnly"/> the digest is that of a later message of a stream (§4.3.1).
    /// A null <paramref name="hmac"/> means a fresh one from the key; a given one may already hold data.
    /// </summary>
    internal static TsigStatus VerifyMac(ReadOnlySpan<byte> message, in TsigRecord tsig, TsigKey key, ReadOnlySpan<byte> priorMac, bool timersOnly, IncrementalHash? hmac)
    {
        var fullSize = TsigAlgorithms.MacSize(key.Algorithm);
        if (tsig.Mac.Length > fullSize)
        {
            return TsigStatus.FormErr; // §5.2.2.1
        }

        if (tsig.Mac.Length < TsigAlgorithms.MinimumMacSize(key.Algorithm))
        {
            return TsigStatus.BadTrunc; // §5.2.2.1
        }

        var owned = hmac is null;
        hmac ??= key.CreateHmac();
        try
        {
            if (!priorMac.IsEmpty)
            {
                TsigDigest.AppendPriorMac(hmac, priorMac);
            }

            TsigDigest.AppendMessage(hmac, message, tsig.Start, tsig.OriginalId, tsigRemoved: true);
            if (timersOnly)
            {
                TsigDigest.AppendTimers(hmac, tsig.TimeSigned, tsig.Fudge);
            }
            else
            {
                TsigDigest.AppendVariables(hmac, tsig.KeyName, tsig.AlgorithmName, tsig.TimeSigned, tsig.Fudge, tsig.Error, tsig.OtherData);
            }

            Span<byte> computed = stackalloc byte[MaxMacSize];
            hmac.GetHashAndReset(computed);
            return CryptographicOperations.FixedTimeEquals(computed[..tsig.Mac.Length], tsig.Mac) ? TsigStatus.Ok : TsigStatus.BadSig;
        }
        finally
        {
            if (owned)
            {
                hmac.Dispose();
            }
        }
    }

    private static bool TrySignBadTime(Span<byte> buffer, int length, TsigRequestVerification request, TimeProvider clock, out int written)
    {
        var key = request.Key!;
        SetNotAuth(buffer);
        var id = OriginalId(buffer);
        var algorithmName = TsigAlgorithms.WireName(key.Algorithm);

        // Time Signed repeats the request's so the client's time check passes; Other Data is our
        // clock, 48 bits, so the client sees how far apart the clocks are (§5.2.3).
        Span<byte> serverTime = stackalloc byte[6];
        TsigRecord.WriteUInt48(serverTime, Now(clock));
        using var hmac = key.CreateHmac();
        TsigDigest.AppendPriorMac(hmac, request.Mac);
        TsigDigest.AppendMessage(hmac, buffer, length, id, tsigRemoved: false);
        TsigDigest.AppendVariables(hmac, key.Name, algorithmName, request.TimeSigned, request.Fudge, (ushort)TsigError.BadTime, serverTime);
        Span<byte> mac = stackalloc byte[MaxMacSize];
        var size = hmac.GetHashAndReset(mac);
        return TsigRecord.TryAppend(
            buffer, length, key.Name, algorithmName, request.TimeSigned, request.Fudge, mac[..size],
            id, (ushort)TsigError.BadTime, serverTime, out written);
    }

    private static void SetNotAuth(Span<byte> message)
    {
        var flags = BinaryPrimitives.ReadUInt16BigEndian(message[2..]);
        BinaryPrimitives.WriteUInt16BigEndian(message[2..], (ushort)((flags & 0xFFF0) | (ushort)ResponseCode.NotAuth));
    }
}
