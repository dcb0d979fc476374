using System.Net.Sockets;
using System.Text;
using FailoverDns.Protocol.Tsig;
using FailoverDns.Testing;
using FluentAssertions;
using static FailoverDns.Protocol.Tests.Tsig.TsigTestMessages;

namespace FailoverDns.Protocol.Tests.Tsig.Interop;

/// <summary>knotd with our keys: it must accept our signed requests, and we its signed responses and transfers.</summary>
public sealed class KnotInteropTests : IAsyncLifetime
{
    /// <summary>Enough TXT records of 100 bytes for a transfer of several 64 KiB messages.</summary>
    private const int TxtRecords = 2000;

    private KnotServer _knot = null!;

    public async Task InitializeAsync()
    {
        var zone = new StringBuilder("""
            $ORIGIN example.test.
            $TTL 300
            @ SOA ns hostmaster 2026011501 3600 900 604800 300
            @ NS ns
            ns A 192.0.2.53

            """);
        for (var i = 0; i < TxtRecords; i++)
        {
            zone.Append(System.Globalization.CultureInfo.InvariantCulture, $"txt{i} TXT \"{new string((char)('a' + (i % 26)), 100)}\"\n");
        }

        _knot = await KnotServer.StartAsync("example.test", zone.ToString(), KeyText("hmac-sha256"), KeyText("hmac-sha512", "transfer512.key"));
    }

    public async Task DisposeAsync() => await _knot.DisposeAsync();

    [Theory]
    [InlineData("hmac-sha256", "transfer.key")]
    [InlineData("hmac-sha512", "transfer512.key")]
    public async Task SignedSoaQuery_GetsASignedResponseThatVerifies(string algorithm, string keyName)
    {
        var key = Key(algorithm, keyName);
        var request = SignRequest(Query(id: 0x5151), key, TimeProvider.System, out var requestMac);

        var response = await ExchangeUdpAsync(request);

        TsigExchange.VerifyResponse(response, key, requestMac, TimeProvider.System).Should().Be(TsigStatus.Ok, _knot.Output);
        DnsMessage.TryParse(response, out var parsed).Should().BeTrue();
        parsed!.Answers.Should().ContainSingle(r => r.Type == RecordType.SOA);
        parsed.Additionals.Should().ContainSingle(r => r.Type == RecordType.TSIG);
    }

    [Fact]
    public async Task QuerySignedWithAKeyKnotDoesNotKnow_GetsAnUnsignedBadKey()
    {
        var key = Key(name: "stranger.key");
        var request = SignRequest(Query(id: 0x5252), key, TimeProvider.System, out var requestMac);

        var response = await ExchangeUdpAsync(request);

        (response[3] & 0xF).Should().Be((int)ResponseCode.NotAuth);
        TsigExchange.VerifyResponse(response, key, requestMac, TimeProvider.System).Should().Be(TsigStatus.BadKey);
    }

    [Fact]
    public async Task QuerySignedWithTheWrongSecret_GetsAnUnsignedBadSig()
    {
        var key = (KeyText() with { Secret = Secret512 }).ToKey();
        var request = SignRequest(Query(id: 0x5353), key, TimeProvider.System, out var requestMac);

        var response = await ExchangeUdpAsync(request);

        TsigExchange.VerifyResponse(response, key, requestMac, TimeProvider.System).Should().Be(TsigStatus.BadSig);
    }

    [Fact]
    public async Task QuerySignedAnHourAgo_GetsASignedBadTimeThatVerifies()
    {
        var key = Key();
        var anHourAgo = new ManualClock(DateTimeOffset.UtcNow.AddHours(-1));
        var request = SignRequest(Query(id: 0x5454), key, anHourAgo, out var requestMac);

        var response = await ExchangeUdpAsync(request);

        // The MAC checks out (so the error is knotd's) and the error is BADTIME (RFC 8945 §5.2.3).
        (response[3] & 0xF).Should().Be((int)ResponseCode.NotAuth);
        TsigExchange.VerifyResponse(response, key, requestMac, anHourAgo).Should().Be(TsigStatus.BadTime);
        var tampered = response.ToArray();
        tampered[13] ^= 1; // a letter of the question name
        TsigExchange.VerifyResponse(tampered, key, requestMac, anHourAgo).Should().Be(TsigStatus.BadSig);
    }

    [Theory]
    [InlineData("hmac-sha256", "transfer.key")]
    [InlineData("hmac-sha512", "transfer512.key")]
    public async Task SignedAxfr_EveryMessageOfTheStreamVerifies(string algorithm, string keyName)
    {
        var key = Key(algorithm, keyName);
        var request = SignRequest(Query(id: 0x6161, type: RecordType.AXFR), key, TimeProvider.System, out var requestMac);
        using var verifier = new TsigResponseVerifier(key, requestMac, TimeProvider.System);
        var records = new List<DnsRecord>();
        var messages = 0;

        using var client = new TcpClient();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await client.ConnectAsync(_knot.EndPoint, deadline.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Wire.Concat(U16((ushort)request.Length), request), deadline.Token);
        while (records.Count(r => r.Type == RecordType.SOA) < 2)
        {
            var message = await TsigResponder.ReadFramedAsync(stream, deadline.Token);
            message.Should().NotBeNull($"knotd ended the transfer early:\n{_knot.Output}");
            messages++;
            verifier.Verify(message).Should().Be(TsigStatus.Ok, $"message {messages}");
            DnsMessage.TryParse(message, out var parsed).Should().BeTrue();
            records.AddRange(parsed!.Answers);
        }

        messages.Should().BeGreaterThan(2, "the zone is big enough for several messages");
        verifier.MessagesVerified.Should().Be(messages);
        verifier.IsComplete.Should().BeTrue();
        records.Count(r => r.Type == RecordType.TXT).Should().Be(TxtRecords);
    }

    [Fact]
    public async Task AxfrVerifiedWithAnotherRequestMac_FailsOnTheFirstMessage()
    {
        var key = Key();
        var request = SignRequest(Query(id: 0x6262, type: RecordType.AXFR), key, TimeProvider.System, out var requestMac);
        requestMac[0] ^= 1;
        using var verifier = new TsigResponseVerifier(key, requestMac, TimeProvider.System);

        using var client = new TcpClient();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await client.ConnectAsync(_knot.EndPoint, deadline.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Wire.Concat(U16((ushort)request.Length), request), deadline.Token);
        var first = await TsigResponder.ReadFramedAsync(stream, deadline.Token);

        verifier.Verify(first).Should().Be(TsigStatus.BadSig);
    }

    private async Task<byte[]> ExchangeUdpAsync(byte[] request)
    {
        using var client = new UdpClient(AddressFamily.InterNetwork);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await client.SendAsync(request, _knot.EndPoint);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                var reply = (await client.ReceiveAsync(wait.Token)).Buffer;
                if (reply.AsSpan(0, 2).SequenceEqual(request.AsSpan(0, 2)))
                {
                    return reply;
                }
            }
            catch (OperationCanceledException)
            {
                // UDP: ask again.
            }
        }

        throw new TimeoutException($"knotd did not answer:\n{_knot.Output}");
    }
}
