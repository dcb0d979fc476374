using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using FailoverDns.Protocol.Tsig;
using FailoverDns.Testing;

namespace FailoverDns.Protocol.Tests.Tsig.Interop;

/// <summary>
/// A tiny authoritative responder for example.test on 127.0.0.1, UDP and TCP, built on the TSIG
/// verifier and signer, for kdig and dig to query: any query gets the SOA, AXFR gets
/// <c>messages</c> messages of <c>recordsPerMessage</c> records, SOA first and last, each signed.
/// One MAC can be corrupted on purpose, to show that the tools do check.
/// </summary>
internal sealed class TsigResponder : IAsyncDisposable
{
    private static readonly byte[] Zone = Wire.Name("example.test");

    private readonly TsigKeyRing _keys;
    private readonly int _axfrMessages;
    private readonly int _recordsPerMessage;
    private readonly int _corruptMacOfMessage;
    private readonly Socket _udp;
    private readonly TcpListener _tcp;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _udpLoop;
    private readonly Task _tcpLoop;

    public TsigResponder(TsigKeyRing keys, int axfrMessages = 4, int recordsPerMessage = 50, int corruptMacOfMessage = -1)
    {
        _corruptMacOfMessage = corruptMacOfMessage;
        _keys = keys;
        _axfrMessages = axfrMessages;
        _recordsPerMessage = recordsPerMessage;
        _udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_udp.LocalEndPoint!).Port;
        _tcp = new TcpListener(IPAddress.Loopback, Port);
        _tcp.Start();
        _udpLoop = Task.Run(ServeUdpAsync);
        _tcpLoop = Task.Run(ServeTcpAsync);
    }

    public int Port { get; }

    /// <summary>How the TSIG of each request checked out, in arrival order.</summary>
    public ConcurrentQueue<TsigStatus> RequestStatuses { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _udp.Dispose();
        _tcp.Stop();
        await Task.WhenAll(_udpLoop, _tcpLoop).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task ServeUdpAsync()
    {
        var buffer = new byte[ushort.MaxValue];
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _udp.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            foreach (var reply in Answer(buffer.AsSpan(0, received.ReceivedBytes).ToArray()))
            {
                await _udp.SendToAsync(reply, received.RemoteEndPoint);
            }
        }
    }

    private async Task ServeTcpAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _tcp.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(() => ServeConnectionAsync(client));
        }
    }

    private async Task ServeConnectionAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            try
            {
                while (await ReadFramedAsync(stream, _stop.Token) is { } request)
                {
                    foreach (var reply in Answer(request))
                    {
                        await stream.WriteAsync(Wire.Concat(TsigTestMessages.U16((ushort)reply.Length), reply), _stop.Token);
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
            {
                // The client went away or the responder stops.
            }
        }
    }

    /// <summary>Reads one length-prefixed message (RFC 1035 §4.2.2); null when the connection ends.</summary>
    public static async Task<byte[]?> ReadFramedAsync(Stream stream, CancellationToken cancellation)
    {
        var length = new byte[2];
        try
        {
            await stream.ReadExactlyAsync(length, cancellation);
        }
        catch (EndOfStreamException)
        {
            return null;
        }

        var message = new byte[BinaryPrimitives.ReadUInt16BigEndian(length)];
        await stream.ReadExactlyAsync(message, cancellation);
        return message;
    }

    private List<byte[]> Answer(byte[] request)
    {
        var verification = TsigExchange.VerifyRequest(request, _keys, TimeProvider.System);
        RequestStatuses.Enqueue(verification.Status);
        if (!DnsMessage.TryParse(request, out var query) || query!.Questions.Count != 1)
        {
            return [];
        }

        var question = query.Questions[0];
        var header = new DnsHeader(query.Header.Id, (ushort)(DnsHeader.QueryResponseFlag | DnsHeader.AuthoritativeFlag | (query.Header.Flags & DnsHeader.RecursionDesiredFlag)), 0, 0, 0, 0);
        if (verification.Status is TsigStatus.FormErr)
        {
            return [new DnsMessage(header with { Flags = (ushort)(header.Flags | (ushort)ResponseCode.FormErr) }, [question], [], [], [], null).ToArray()];
        }

        List<List<DnsRecord>> messages = question.Type == RecordType.AXFR && verification.Status == TsigStatus.Ok
            ? TransferMessages()
            : [[Soa()]];
        if (verification.Status == TsigStatus.NoTsig)
        {
            return [.. messages.Select((records, i) => new DnsMessage(header, i == 0 ? [question] : [], records, [], [], null).ToArray())];
        }

        if (verification.Status != TsigStatus.Ok)
        {
            var error = new DnsMessage(header, [question], [], [], [], null).ToArray();
            var buffer = TsigTestMessages.Buffer(error);
            return TsigExchange.TrySignResponse(buffer, error.Length, verification, TimeProvider.System, out var written) ? [buffer[..written]] : [];
        }

        using var signer = TsigResponseSigner.For(verification, TimeProvider.System);
        var replies = new List<byte[]>();
        for (var i = 0; i < messages.Count; i++)
        {
            var message = new DnsMessage(header, i == 0 ? [question] : [], messages[i], [], [], null).ToArray();
            var buffer = TsigTestMessages.Buffer(message);
            if (!signer.TrySign(buffer, message.Length, out var written))
            {
                throw new InvalidOperationException("a response did not fit with its TSIG");
            }

            if (i == _corruptMacOfMessage)
            {
                buffer[written - 7] ^= 1; // the MAC's last byte: original ID, error and an empty other data follow it
            }

            replies.Add(buffer[..written]);
        }

        return replies;
    }

    private List<List<DnsRecord>> TransferMessages()
    {
        var messages = new List<List<DnsRecord>>();
        for (var m = 0; m < _axfrMessages; m++)
        {
            var records = new List<DnsRecord>();
            if (m == 0)
            {
                records.Add(Soa());
            }

            for (var r = 0; r < _recordsPerMessage; r++)
            {
                var n = (m * _recordsPerMessage) + r;
                records.Add(new DnsRecord(Wire.Name($"host{n}.example.test"), RecordType.A, (ushort)RecordClass.IN, 300, [10, 0, (byte)(n >> 8), (byte)n]));
            }

            if (m == _axfrMessages - 1)
            {
                records.Add(Soa());
            }

            messages.Add(records);
        }

        return messages;
    }

    private static DnsRecord Soa() => new(
        Zone,
        RecordType.SOA,
        (ushort)RecordClass.IN,
        3600,
        Wire.Concat(Wire.Name("ns.example.test"), Wire.Name("hostmaster.example.test"), [0, 0, 0, 1], [0, 0, 14, 16], [0, 0, 7, 8], [0, 9, 58, 128], [0, 0, 1, 44]));
}
