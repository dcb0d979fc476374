using System.Security.Cryptography;
using FailoverDns.Protocol.Tsig;
using FailoverDns.Testing;
using FluentAssertions;
using static FailoverDns.Protocol.Tests.Tsig.TsigTestMessages;

namespace FailoverDns.Protocol.Tests.Tsig;

/// <summary>Multi-message responses (AXFR/IXFR over TCP), RFC 8945 §5.3.1.</summary>
public class TsigStreamTests
{
    private readonly ManualClock _clock = new(Noon);

    [Theory]
    [InlineData("hmac-sha256")]
    [InlineData("hmac-sha512")]
    public void EveryMessageOfAStream_Verifies(string algorithm)
    {
        var key = Key(algorithm);
        var (requestMac, stream) = SignedStream(key, messages: 5);

        using var verifier = new TsigResponseVerifier(key, requestMac, _clock);

        stream.Select(m => verifier.Verify(m)).ToList().Should().AllBeEquivalentTo(TsigStatus.Ok);
        verifier.MessagesVerified.Should().Be(5);
        verifier.IsComplete.Should().BeTrue();
    }

    [Fact]
    public void LaterMessages_DigestThePreviousMacAndOnlyTheTimers()
    {
        var key = Key();
        var (_, stream) = SignedStream(key, messages: 2, out var unsigned);
        var firstMac = ReadTsig(stream[0], unsigned[0].Length).Mac;

        var digest = Wire.Concat(
            U16((ushort)firstMac.Length), firstMac, unsigned[1],
            [0, 0, .. BitConverter.GetBytes((uint)Noon.ToUnixTimeSeconds()).Reverse()], [1, 44]);

        ReadTsig(stream[1], unsigned[1].Length).Mac.Should().Equal(HMACSHA256.HashData(Convert.FromBase64String(Secret256), digest));
    }

    [Fact]
    public void TamperedMiddleMessage_IsBadSig_AndSoIsEverythingAfter()
    {
        var key = Key();
        var (requestMac, stream) = SignedStream(key, messages: 4);
        stream[2][21] ^= 1; // a letter of the question name

        using var verifier = new TsigResponseVerifier(key, requestMac, _clock);

        stream.Select(m => verifier.Verify(m)).ToList().Should().Equal(TsigStatus.Ok, TsigStatus.Ok, TsigStatus.BadSig, TsigStatus.BadSig);
        verifier.IsComplete.Should().BeFalse();
    }

    [Fact]
    public void DroppedMessage_BreaksTheChain()
    {
        var key = Key();
        var (requestMac, stream) = SignedStream(key, messages: 3);

        using var verifier = new TsigResponseVerifier(key, requestMac, _clock);

        verifier.Verify(stream[0]).Should().Be(TsigStatus.Ok);
        verifier.Verify(stream[2]).Should().Be(TsigStatus.BadSig);
    }

    [Fact]
    public void UnsignedFirstMessage_Fails()
    {
        using var verifier = new TsigResponseVerifier(Key(), new byte[32], _clock);

        verifier.Verify(Response()).Should().Be(TsigStatus.NoTsig);
        verifier.IsComplete.Should().BeFalse();
    }

    [Fact]
    public void UnsignedMessagesBetweenSignedOnes_AreCoveredByTheNextMac()
    {
        // A stream where the server signs only the first and the third message, as RFC 8945 §5.3.1
        // allows; the third MAC is computed here by hand: previous MAC, message 2 whole, message 3, timers.
        var key = Key();
        var (requestMac, stream) = SignedStream(key, messages: 1, out _);
        var firstMac = ReadTsig(stream[0], Response(answers: 2, firstAddress: 1).Length).Mac;
        var second = Response(answers: 2, firstAddress: 3);
        var third = Response(answers: 2, firstAddress: 5);
        var mac = HMACSHA256.HashData(
            Convert.FromBase64String(Secret256),
            Wire.Concat(U16(32), firstMac, second, third, [0, 0, .. BitConverter.GetBytes((uint)Noon.ToUnixTimeSeconds()).Reverse()], [1, 44]));
        var thirdSigned = Wire.Concat(third, TsigRecordBytes(new TsigFields(Wire.Name("transfer.key"), Wire.Name("hmac-sha256"), Noon.ToUnixTimeSeconds(), 300, mac, 0x4242, 0, [])));
        thirdSigned[11]++;

        using var verifier = new TsigResponseVerifier(key, requestMac, _clock);

        verifier.Verify(stream[0]).Should().Be(TsigStatus.Ok);
        verifier.Verify(second).Should().Be(TsigStatus.NoTsig);
        verifier.IsComplete.Should().BeFalse();
        verifier.Verify(thirdSigned).Should().Be(TsigStatus.Ok);
        verifier.IsComplete.Should().BeTrue();
    }

    [Fact]
    public void HundredUnsignedMessagesInARow_Fail()
    {
        var key = Key();
        var (requestMac, stream) = SignedStream(key, messages: 1);
        using var verifier = new TsigResponseVerifier(key, requestMac, _clock);
        verifier.Verify(stream[0]).Should().Be(TsigStatus.Ok);

        var statuses = Enumerable.Range(0, 100).Select(_ => verifier.Verify(Response())).ToList();

        statuses[..99].Should().AllBeEquivalentTo(TsigStatus.NoTsig);
        statuses[99].Should().Be(TsigStatus.BadSig);
    }

    [Fact]
    public void SignerForARequestThatFailed_IsRefused()
    {
        var key = Key();
        var signed = SignRequest(Query(), Key(name: "unknown.key"), _clock, out _);
        var verification = TsigExchange.VerifyRequest(signed, new TsigKeyRing([key]), _clock);

        FluentActions.Invoking(() => TsigResponseSigner.For(verification, _clock)).Should().Throw<InvalidOperationException>();
    }

    private (byte[] RequestMac, List<byte[]> Stream) SignedStream(TsigKey key, int messages) => SignedStream(key, messages, out _);

    private (byte[] RequestMac, List<byte[]> Stream) SignedStream(TsigKey key, int messages, out List<byte[]> unsigned)
    {
        var request = TsigExchange.VerifyRequest(SignRequest(Query(), key, _clock, out var requestMac), new TsigKeyRing([key]), _clock);
        using var signer = TsigResponseSigner.For(request, _clock);
        var stream = new List<byte[]>();
        unsigned = [];
        for (var i = 0; i < messages; i++)
        {
            var message = Response(answers: 2, firstAddress: 1 + 2 * i);
            var buffer = Buffer(message);
            signer.TrySign(buffer, message.Length, out var written).Should().BeTrue();
            stream.Add(buffer[..written]);
            unsigned.Add(message);
        }

        signer.MessagesSigned.Should().Be(messages);
        return (requestMac, stream);
    }
}
