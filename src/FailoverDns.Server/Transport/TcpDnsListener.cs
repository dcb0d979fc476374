using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using FailoverDns.Server.Query;
using Microsoft.Extensions.Logging;

namespace FailoverDns.Server.Transport;

/// <summary>
/// DNS over TCP (RFC 7766): two-byte length framing, any number of pipelined queries per
/// connection, every complete query in a read answered and the replies sent together, an idle
/// timeout, and a cap on open connections.
/// </summary>
internal sealed partial class TcpDnsListener : IDisposable
{
    private const int LengthPrefix = 2;
    private const int MaxMessage = ushort.MaxValue;
    private const int FlushThreshold = 64 * 1024;

    private readonly Socket _socket;
    private readonly QueryProcessor _processor;
    private readonly QueryLog? _queryLog;
    private readonly TimeSpan _idleTimeout;
    private readonly int _maxConnections;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _acceptLoop = Task.CompletedTask;
    private int _connections;

    private TcpDnsListener(Socket socket, QueryProcessor processor, QueryLog? queryLog, TimeSpan idleTimeout, int maxConnections, ILogger logger)
    {
        _socket = socket;
        _processor = processor;
        _queryLog = queryLog;
        _idleTimeout = idleTimeout;
        _maxConnections = maxConnections;
        _logger = logger;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    public IPEndPoint LocalEndPoint { get; }

    public int OpenConnections => Volatile.Read(ref _connections);

    public static TcpDnsListener Bind(IPEndPoint endpoint, TimeSpan idleTimeout, int maxConnections, QueryProcessor processor, QueryLog? queryLog, ILogger logger) =>
        new(SocketBinder.BindTcp(endpoint, backlog: 512), processor, queryLog, idleTimeout, maxConnections, logger);

    public void Start() => _acceptLoop = AcceptLoopAsync(_stopping.Token);

    public void Dispose()
    {
        _stopping.Cancel();
        _socket.Dispose();
        try
        {
            _acceptLoop.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
            // The loop ends by cancellation.
        }

        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // the client went away between SYN and accept
            }

            if (Interlocked.Increment(ref _connections) > _maxConnections)
            {
                Interlocked.Decrement(ref _connections);
                LogConnectionRefused(_logger, _maxConnections);
                client.Dispose();
                continue;
            }

            _ = ServeAsync(client, stopping);
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken stopping)
    {
        var input = ArrayPool<byte>.Shared.Rent(LengthPrefix + MaxMessage);
        var output = ArrayPool<byte>.Shared.Rent(FlushThreshold + LengthPrefix + MaxMessage);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        try
        {
            client.NoDelay = true;
            var filled = 0;
            while (true)
            {
                var (consumed, written) = AnswerComplete(input.AsSpan(0, filled), output, client);
                if (written > 0)
                {
                    await client.SendAsync(output.AsMemory(0, written), SocketFlags.None, stopping).ConfigureAwait(false);
                }

                if (consumed > 0)
                {
                    input.AsSpan(consumed, filled - consumed).CopyTo(input);
                    filled -= consumed;
                    continue; // more complete queries may be waiting behind a full output batch
                }

                idle.CancelAfter(_idleTimeout);
                var read = await client.ReceiveAsync(input.AsMemory(filled, LengthPrefix + MaxMessage - filled), SocketFlags.None, idle.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    return; // the client closed its side
                }

                filled += read;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Idle timeout, reset by the peer, or shutdown: the connection simply ends.
        }
        catch (Exception e)
        {
            LogConnectionFailed(_logger, e);
        }
        finally
        {
            client.Dispose();
            ArrayPool<byte>.Shared.Return(input);
            ArrayPool<byte>.Shared.Return(output);
            Interlocked.Decrement(ref _connections);
        }
    }

    /// <summary>Answers every complete framed query in <paramref name="input"/>; returns bytes consumed and written.</summary>
    private (int Consumed, int Written) AnswerComplete(ReadOnlySpan<byte> input, Span<byte> output, Socket client)
    {
        var consumed = 0;
        var written = 0;
        while (input.Length - consumed >= LengthPrefix)
        {
            int length = BinaryPrimitives.ReadUInt16BigEndian(input[consumed..]);
            if (input.Length - consumed - LengthPrefix < length || written > FlushThreshold)
            {
                break;
            }

            var query = input.Slice(consumed + LengthPrefix, length);
            consumed += LengthPrefix + length;
            var reply = _processor.Process(query, output[(written + LengthPrefix)..], overTcp: true);
            if (reply > 0)
            {
                _queryLog?.Log("tcp", client.RemoteEndPoint, output.Slice(written + LengthPrefix, reply));
                BinaryPrimitives.WriteUInt16BigEndian(output[written..], (ushort)reply);
                written += LengthPrefix + reply;
            }
        }

        return (consumed, written);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "TCP connection refused: {MaxConnections} connections are already open (server.tcpMaxConnections)")]
    private static partial void LogConnectionRefused(ILogger logger, int maxConnections);

    [LoggerMessage(Level = LogLevel.Error, Message = "TCP connection failed")]
    private static partial void LogConnectionFailed(ILogger logger, Exception exception);
}
