using System.Security.Cryptography;
using FailoverDns.Protocol.Tsig;
using FailoverDns.Testing;
using FluentAssertions;
using static FailoverDns.Protocol.Tests.Tsig.TsigTestMessages;

namespace FailoverDns.Protocol.Tests.Tsig;

public class TsigTests
{
    private readonly ManualClock _clock = new(Noon);

    [Theory]
    [InlineData("hmac-sha256", 32)]
    [InlineData("hmac-sha512", 64)]
    [InlineData("hmac-sha384", 48)]
    [InlineData("hmac-sha1", 20)]
    public void SignedRequest_Verifies_AndItsResponseToo(string algorithm, int macSize)
    {
        var key = Key(algorithm);
        var query = Query();
        var signed = SignRequest(query, key, _clock, out var requestMac);

        var verification = TsigExchange.VerifyRequest(signed, new TsigKeyRing([key]), _clock);

        requestMac.Should().HaveCount(macSize);
        AdditionalCount(signed).Should().Be(1);
        verification.Status.Should().Be(TsigStatus.Ok);
        verification.Key.Should().BeSameAs(key);
        verification.Mac.Should().Equal(requestMac);
        verification.TsigStart.Should().Be(query.Length);
        var response = SignResponse(Response(), verification, _clock);
        TsigExchange.VerifyResponse(response, key, requestMac, _clock).Should().Be(TsigStatus.Ok);
    }

    [Fact]
    public void RequestMac_IsTheHmacOfTheMessageAndTheVariablesOfRfc8945Section4_3_3()
    {
        // Built here from the RFC's layout, not from the code under test.
        var key = Key(name: "Transfer.KEY");
        var query = Query();
        var signed = SignRequest(query, key, _clock, out var mac);
        var digest = Wire.Concat(
            query,
            Wire.Name("transfer.key"), // canonical: lower case
            [0, 255, 0, 0, 0, 0], // class ANY, TTL 0
            Wire.Name("hmac-sha256"),
            [0, 0, .. BitConverter.GetBytes((uint)Noon.ToUnixTimeSeconds()).Reverse()], // time signed, 48 bits
            [1, 44], // fudge 300
            [0, 0, 0, 0]); // error, other len

        mac.Should().Equal(HMACSHA256.HashData(Convert.FromBase64String(Secret256), digest));
        var tsig = ReadTsig(signed, query.Length);
        tsig.Owner.Should().Equal(Wire.Name("transfer.key"));
        tsig.TimeSigned.Should().Be(Noon.ToUnixTimeSeconds());
        tsig.OriginalId.Should().Be(0x4242);
    }

    [Fact]
    public void ResponseMac_StartsWithTheRequestMacLengthPrefixed()
    {
        var key = Key();
        var verification = TsigExchange.VerifyRequest(SignRequest(Query(), key, _clock, out var requestMac), new TsigKeyRing([key]), _clock);
        var response = Response();
        var signed = SignResponse(response, verification, _clock);

        var digest = Wire.Concat(
            U16((ushort)requestMac.Length), requestMac, response,
            Wire.Name("transfer.key"), [0, 255, 0, 0, 0, 0], Wire.Name("hmac-sha256"),
            [0, 0, .. BitConverter.GetBytes((uint)Noon.ToUnixTimeSeconds()).Reverse()], [1, 44], [0, 0, 0, 0]);
        ReadTsig(signed, response.Length).Mac.Should().Equal(HMACSHA256.HashData(Convert.FromBase64String(Secret256), digest));
    }

    [Fact]
    public void KeyNames_MatchWhateverTheirCase()
    {
        var signed = SignRequest(Query(), Key(name: "TRANSFER.Key"), _clock, out _);

        TsigExchange.VerifyRequest(signed, new TsigKeyRing([Key(name: "transfer.key")]), _clock).Status.Should().Be(TsigStatus.Ok);
    }

    [Fact]
    public void UnsignedMessage_IsNoTsig()
    {
        TsigExchange.VerifyRequest(Query(), new TsigKeyRing([Key()]), _clock).Status.Should().Be(TsigStatus.NoTsig);
    }

    [Theory]
    [InlineData(13)] // a letter of the question name
    [InlineData(3)] // the flags
    public void TamperedMessage_IsBadSig_AndAnsweredUnsigned(int offset)
    {
        var key = Key();
        var signed = SignRequest(Query(), key, _clock, out var requestMac);
        signed[offset] ^= 0x01;

        var verification = TsigExchange.VerifyRequest(signed, new TsigKeyRing([key]), _clock);

        verification.Status.Should().Be(TsigStatus.BadSig);
        var response = Response();
        var answer = SignResponse(response, verification, _clock);
        var tsig = ReadTsig(answer, response.Length);
        tsig.Mac.Should().BeEmpty(); // RFC 8945 §5.3.2: never signed
        tsig.Error.Should().Be((ushort)TsigError.BadSig);
        (answer[3] & 0xF).Should().Be((int)ResponseCode.NotAuth);
        TsigExchange.VerifyResponse(answer, key, requestMac, _clock).Should().Be(TsigStatus.BadSig);
    }

    [Fact]
    public void TamperedMac_IsBadSig()
    {
        var key = Key();
        var query = Query();
        var signed = SignRequest(query, key, _clock, out var mac);
        mac[^1] ^= 0x80;

        TsigExchange.VerifyRequest(WithMac(signed, query.Length, mac), new TsigKeyRing([key]), _clock).Status.Should().Be(TsigStatus.BadSig);
    }

    [Fact]
    public void RewrittenId_StillVerifies_BecauseTheDigestUsesTheOriginalId()
    {
        var key = Key();
        var signed = SignRequest(Query(id: 0x4242), key, _clock, out _);
        signed[0] = 0x99; // a forwarder may give the message a new ID (RFC 8945 §4.3.2 digests the original)

        TsigExchange.VerifyRequest(signed, new TsigKeyRing([key]), _clock).Status.Should().Be(TsigStatus.Ok);
    }

    [Fact]
    public void UnknownKey_IsBadKey_AndTheUnsignedAnswerEchoesTheKeyName()
    {
        var signed = SignRequest(Query(), Key(name: "other.key"), _clock, out var requestMac);

        var verification = TsigExchange.VerifyRequest(signed, new TsigKeyRing([Key()]), _clock);

        verification.Status.Should().Be(TsigStatus.BadKey);
        verification.Key.Should().BeNull();
        var response = Response();
        var answer = SignResponse(response, verification, _clock);
        var tsig = ReadTsig(answer, response.Length);
        tsig.Owner.Should().Equal(Wire.Name("other.key"));
        tsig.Mac.Should().BeEmpty();
        tsig.Error.Should().Be((ushort)TsigError.BadKey);
        TsigExchange.VerifyResponse(answer, Key(name: "other.key"), requestMac, _clock).Should().Be(TsigStatus.BadKey);
    }

    [Fact]
    public void KnownKeyNameWithAnotherAlgorithm_IsBadKey()
    {
        var signed = SignRequest(Query(), Key("hmac-sha512"), _clock, out _);

        TsigExchange.VerifyRequest(signed, new TsigKeyRing([Key("hmac-sha256")]), _clock).Status.Should().Be(TsigStatus.BadKey);
    }

    [Theory]
    [InlineData(-301, TsigStatus.BadTime)]
    [InlineData(-300, TsigStatus.Ok)]
    [InlineData(300, TsigStatus.Ok)]
    [InlineData(301, TsigStatus.BadTime)]
    public void TimeSigned_MustBeWithinTheFudge(int serverAhead, TsigStatus expected)
    {
        var key = Key();
        var signed = SignRequest(Query(), key, _clock, out _);
        _clock.Now = Noon.AddSeconds(serverAhead);

        TsigExchange.VerifyRequest(signed, new TsigKeyRing([key]), _clock).Status.Should().Be(expected);
    }

    [Fact]
    public void BadTimeAnswer_IsSigned_WithTheRequestTimeAndTheServerTimeInOtherData()
    {
        var key = Key();
        var clientClock = new ManualClock(Noon);
        var signed = SignRequest(Query(), key, clientClock, out var requestMac);
        _clock.Now = Noon.AddHours(1);

        var verification = TsigExchange.VerifyRequest(signed, new TsigKeyRing([key]), _clock);
        var response = Response();
        var answer = SignResponse(response, verification, _clock);

        verification.Status.Should().Be(TsigStatus.BadTime);
        var tsig = ReadTsig(answer, response.Length);
        tsig.Error.Should().Be((ushort)TsigError.BadTime);
        tsig.TimeSigned.Should().Be(Noon.ToUnixTimeSeconds());
        tsig.OtherData.Should().Equal((byte[])[0, 0, .. BitConverter.GetBytes((uint)Noon.AddHours(1).ToUnixTimeSeconds()).Reverse()]);
        tsig.Mac.Should().HaveCount(32);
        (answer[3] & 0xF).Should().Be((int)ResponseCode.NotAuth);
        // The client's MAC check passes (so the error is authentic) and it reports the error.
        TsigExchange.VerifyResponse(answer, key, requestMac, clientClock).Should().Be(TsigStatus.BadTime);
        TsigExchange.VerifyResponse(WithMac(answer, response.Length, new byte[32]), key, requestMac, clientClock).Should().Be(TsigStatus.BadSig);
    }

    [Theory]
    [InlineData(16, TsigStatus.Ok)] // half of 32: the shortest allowed
    [InlineData(15, TsigStatus.BadTrunc)]
    [InlineData(9, TsigStatus.BadTrunc)]
    [InlineData(0, TsigStatus.BadTrunc)]
    public void TruncatedMac_ShorterThanHalfTheHash_IsBadTrunc(int macSize, TsigStatus expected)
    {
        var key = Key();
        var query = Query();
        var signed = SignRequest(query, key, _clock, out var mac);

        var truncated = WithMac(signed, query.Length, mac[..macSize]);

        TsigExchange.VerifyRequest(truncated, new TsigKeyRing([key]), _clock).Status.Should().Be(expected);
    }

    [Fact]
    public void TruncatedSha512Mac_NeedsAtLeast32Bytes()
    {
        var key = Key("hmac-sha512");
        var query = Query();
        var signed = SignRequest(query, key, _clock, out var mac);

        TsigExchange.VerifyRequest(WithMac(signed, query.Length, mac[..32]), new TsigKeyRing([key]), _clock).Status.Should().Be(TsigStatus.Ok);
        TsigExchange.VerifyRequest(WithMac(signed, query.Length, mac[..31]), new TsigKeyRing([key]), _clock).Status.Should().Be(TsigStatus.BadTrunc);
    }

    [Fact]
    public void MacLongerThanTheHash_IsFormErr()
    {
        var key = Key();
        var query = Query();
        var signed = SignRequest(query, key, _clock, out var mac);

        TsigExchange.VerifyRequest(WithMac(signed, query.Length, [.. mac, 0]), new TsigKeyRing([key]), _clock).Status.Should().Be(TsigStatus.FormErr);
    }

    [Fact]
    public void TsigNotLast_IsFormErr()
    {
        var key = Key();
        var signed = SignRequest(Query(), key, _clock, out _);
        var extra = Wire.Concat(Wire.Name("x.example.test"), U16(1), U16(1), [0, 0, 0, 60], U16(4), [192, 0, 2, 9]);
        var withRecordAfter = Wire.Concat(signed, extra);
        withRecordAfter[11]++; // ARCOUNT

        TsigExchange.VerifyRequest(withRecordAfter, new TsigKeyRing([key]), _clock).Status.Should().Be(TsigStatus.FormErr);
    }

    [Fact]
    public void TwoTsigs_IsFormErr()
    {
        var key = Key();
        var query = Query();
        var signed = SignRequest(query, key, _clock, out _);
        var twice = Wire.Concat(signed, signed[query.Length..]);
        twice[11]++;

        TsigExchange.VerifyRequest(twice, new TsigKeyRing([key]), _clock).Status.Should().Be(TsigStatus.FormErr);
    }

    [Fact]
    public void TsigInTheAnswerSection_IsFormErr()
    {
        var key = Key();
        var signed = SignRequest(Query(), key, _clock, out _);
        signed[7] = 1; // ANCOUNT 1
        signed[11] = 0; // ARCOUNT 0

        TsigExchange.VerifyRequest(signed, new TsigKeyRing([key]), _clock).Status.Should().Be(TsigStatus.FormErr);
    }

    [Theory]
    [InlineData(1)] // class IN
    [InlineData(254)] // class NONE
    public void TsigOfAClassOtherThanAny_IsFormErr(ushort @class)
    {
        var key = Key();
        var query = Query();
        var signed = SignRequest(query, key, _clock, out _);
        var tsig = ReadTsig(signed, query.Length);

        var wrongClass = Wire.Concat(signed[..query.Length], TsigRecordBytes(tsig, @class));

        TsigExchange.VerifyRequest(wrongClass, new TsigKeyRing([key]), _clock).Status.Should().Be(TsigStatus.FormErr);
    }

    [Fact]
    public void TruncatedTsigRecord_IsFormErr()
    {
        var key = Key();
        var signed = SignRequest(Query(), key, _clock, out _);

        for (var cut = 1; cut < 40; cut++)
        {
            TsigExchange.VerifyRequest(signed.AsSpan(0, signed.Length - cut), new TsigKeyRing([key]), _clock).Status.Should().Be(TsigStatus.FormErr, $"{cut} bytes cut off");
        }
    }

    [Fact]
    public void ResponseSignedWithAnotherRequestMac_IsBadSig()
    {
        var key = Key();
        var verification = TsigExchange.VerifyRequest(SignRequest(Query(), key, _clock, out var requestMac), new TsigKeyRing([key]), _clock);
        var answer = SignResponse(Response(), verification, _clock);
        requestMac[0] ^= 1;

        TsigExchange.VerifyResponse(answer, key, requestMac, _clock).Should().Be(TsigStatus.BadSig);
    }

    [Fact]
    public void UnsignedResponse_IsNoTsig()
    {
        TsigExchange.VerifyResponse(Response(), Key(), new byte[32], _clock).Should().Be(TsigStatus.NoTsig);
    }

    [Fact]
    public void RequestWithoutTsig_CannotBeAnsweredWithOne()
    {
        var verification = TsigExchange.VerifyRequest(Query(), new TsigKeyRing([Key()]), _clock);

        var sign = () => TsigExchange.TrySignResponse(Buffer(Response()), Response().Length, verification, _clock, out _);

        sign.Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void SigningIntoABufferTooSmall_Fails_AndLeavesTheMessageAsItWas()
    {
        var key = Key();
        var query = Query();
        var buffer = new byte[query.Length + 20];
        query.CopyTo(buffer, 0);

        TsigExchange.TrySignRequest(buffer, query.Length, key, _clock, out _, out _).Should().BeFalse();
        buffer[..query.Length].Should().Equal(query);
    }

    [Fact]
    public void KeyFromText_AcceptsTheFormsOfKeyFiles()
    {
        var key = TsigKey.FromText("Transfer.Key.", "HMAC-SHA512.", Secret512);

        key.Name.Should().Equal(Wire.Name("transfer.key"));
        key.Algorithm.Should().Be(TsigAlgorithm.HmacSha512);
        FluentActions.Invoking(() => TsigKey.FromText("k", "hmac-md5", Secret256)).Should().Throw<FormatException>();
        FluentActions.Invoking(() => TsigKey.FromText("k", "hmac-sha256", "not base64!")).Should().Throw<FormatException>();
    }
}
