using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using FailoverDns.Configuration;
using FailoverDns.Server.Lifecycle;
using FailoverDns.Server.Query;
using FailoverDns.Server.Transfer;
using Microsoft.Extensions.Logging;

namespace FailoverDns.Server.Transport;

/// <summary>
/// DNS over TCP (RFC 7766): two-byte length framing, any number of pipelined queries per
/// connection, every complete query in a read answered and the replies sent together. No client can
/// keep a slot for ever: a connection is closed when idle too long, when a message takes too long to
/// arrive whole, or when its replies are not taken in time; each client has a share of the table, and
/// a full table makes room for a new connection instead of refusing it (RFC 7766 §6.2.2, §6.2.3, §10).
/// </summary>
internal sealed partial class TcpDnsListener : IDisposable
{
    private const int LengthPrefix = 2;
    private const int MaxMessage = ushort.MaxValue;
    private const int FlushThreshold = 64 * 1024;

    /// <summary>One warning per kind per interval at most: a flood of connections would write thousands a second.</summary>
    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);

    private readonly Socket _socket;
    private readonly QueryProcessor _processor;
    private readonly ZoneTransferService? _transfers;
    private readonly QueryLog? _queryLog;
    private readonly ServerOptions _options;
    private readonly TcpConnectionTable _table;
    private readonly TcpConnectionMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly LogRateLimiter _refusedLog;
    private readonly LogRateLimiter _evictedLog;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _acceptLoop = Task.CompletedTask;

    private TcpDnsListener(Socket socket, ServerOptions options, QueryProcessor processor, QueryLog? queryLog, TcpConnectionMetrics metrics, TimeProvider time, ILogger logger, ZoneTransferService? transfers)
    {
        _socket = socket;
        _transfers = transfers;
        _processor = processor;
        _queryLog = queryLog;
        _options = options;
        _table = new TcpConnectionTable(options.TcpMaxConnections, options.TcpMaxConnectionsPerClient);
        _metrics = metrics;
        _time = time;
        _refusedLog = new LogRateLimiter(LogInterval, time);
        _evictedLog = new LogRateLimiter(LogInterval, time);
        _logger = logger;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    private enum Phase
    {
        Accepted,
        Idle,
        Reading,
        Sending,
        Answered,
    }

    public IPEndPoint LocalEndPoint { get; }

    public int OpenConnections => _table.Count;

    public static TcpDnsListener Bind(IPEndPoint endpoint, ServerOptions options, QueryProcessor processor, QueryLog? queryLog, TcpConnectionMetrics metrics, TimeProvider time, ILogger logger, ZoneTransferService? transfers = null) =>
        new(SocketBinder.BindTcp(endpoint, backlog: 512), options, processor, queryLog, metrics, time, logger, transfers);

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
            catch (SocketException e) when (e.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
            {
                // Out of file descriptors (a flood): accepting again at once would only spin.
                await Task.Delay(TimeSpan.FromMilliseconds(100), _time, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }
            catch (SocketException)
            {
                continue; // the client went away between SYN and accept
            }

            TcpConnection connection;
            try
            {
                connection = new TcpConnection(client, _time.GetTimestamp());
            }
            catch (SocketException)
            {
                client.Dispose(); // reset before its address could be read
                continue;
            }

            if (!_table.TryAdd(connection, out var evicted))
            {
                _metrics.Closed(TcpCloseReason.PerClientLimit);
                if (_refusedLog.TryAcquire(out var suppressed))
                {
                    LogRefusedPerClient(_logger, connection.RemoteEndPoint, _options.TcpMaxConnectionsPerClient, suppressed, LogInterval.TotalSeconds);
                }

                client.Dispose();
                continue;
            }

            if (evicted is not null)
            {
                var reason = evicted.IsIdle ? TcpCloseReason.EvictedIdle : TcpCloseReason.EvictedStalled;
                evicted.Evict();
                _metrics.Closed(reason);
                if (_evictedLog.TryAcquire(out var suppressed))
                {
                    LogEvicted(_logger, _options.TcpMaxConnections, reason == TcpCloseReason.EvictedIdle ? "the connection idle longest" : "the most stalled connection", evicted.RemoteEndPoint, suppressed, LogInterval.TotalSeconds);
                }
            }

            _ = ServeAsync(connection, stopping);
        }
    }

    private async Task ServeAsync(TcpConnection connection, CancellationToken stopping)
    {
        var client = connection.Socket;
        var input = ArrayPool<byte>.Shared.Rent(LengthPrefix + MaxMessage);
        var output = ArrayPool<byte>.Shared.Rent(FlushThreshold + LengthPrefix + MaxMessage);
        // One timer per connection, re-armed for each phase: the idle wait for a message's first byte,
        // the whole message once it has begun (not restarted by each byte, or one byte a second would
        // hold the slot for ever), the send of a batch of replies (a client that pipelines queries and
        // never reads would otherwise block the send for ever).
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var phase = Phase.Accepted;
        try
        {
            client.NoDelay = true;
            var filled = 0;
            while (true)
            {
                var (consumed, written, transfer) = AnswerComplete(input.AsSpan(0, filled), output, connection);
                if (written > 0)
                {
                    phase = Phase.Sending;
                    connection.MarkBusy(_time.GetTimestamp());
                    deadline.CancelAfter(_options.TcpSendTimeout);
                    await client.SendAsync(output.AsMemory(0, written), SocketFlags.None, deadline.Token).ConfigureAwait(false);
                }

                if (transfer is { } request)
                {
                    // Many messages, each sent under the send deadline: a secondary that stops reading is cut off.
                    phase = Phase.Sending;
                    connection.MarkBusy(_time.GetTimestamp());
                    await _transfers!.ServeAsync(request, connection.RemoteEndPoint, async message =>
                    {
                        var framed = new byte[LengthPrefix + message.Length];
                        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)message.Length);
                        message.CopyTo(framed.AsMemory(LengthPrefix));
                        deadline.CancelAfter(_options.TcpSendTimeout);
                        await client.SendAsync(framed, SocketFlags.None, deadline.Token).ConfigureAwait(false);
                    }).ConfigureAwait(false);
                }

                if (consumed > 0)
                {
                    input.AsSpan(consumed, filled - consumed).CopyTo(input);
                    filled -= consumed;
                    phase = Phase.Answered; // what is left is a new message: its own deadline
                    continue; // more complete queries may be waiting behind a full output batch
                }

                if (filled == 0)
                {
                    // Until its first query a connection stays busy since its accept (TcpConnection).
                    if (phase != Phase.Accepted)
                    {
                        phase = Phase.Idle;
                        connection.MarkIdle(_time.GetTimestamp());
                    }

                    deadline.CancelAfter(_options.TcpIdleTimeout);
                }
                else if (phase != Phase.Reading)
                {
                    phase = Phase.Reading;
                    connection.MarkBusy(_time.GetTimestamp());
                    deadline.CancelAfter(_options.TcpMessageTimeout);
                }

                var read = await client.ReceiveAsync(input.AsMemory(filled, LengthPrefix + MaxMessage - filled), SocketFlags.None, deadline.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    return; // the client closed its side
                }

                filled += read;
            }
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested && !connection.Evicted)
        {
            _metrics.Closed(phase switch
            {
                Phase.Sending => TcpCloseReason.SendTimeout,
                Phase.Reading => TcpCloseReason.MessageTimeout,
                _ => TcpCloseReason.IdleTimeout,
            });
            if (phase is Phase.Reading or Phase.Sending)
            {
                LogTimedOut(_logger, connection.RemoteEndPoint, phase == Phase.Sending ? "taking its replies" : "sending a whole message");
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Reset by the peer, evicted, or shutdown: the connection simply ends.
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
            _table.Remove(connection);
        }
    }

    /// <summary>
    /// Answers every complete framed query in <paramref name="input"/>; returns bytes consumed and
    /// written, and a zone transfer request (consumed too) where it stopped at one, for the caller to serve.
    /// </summary>
    private (int Consumed, int Written, byte[]? Transfer) AnswerComplete(ReadOnlySpan<byte> input, Span<byte> output, TcpConnection connection)
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
            if (_transfers is not null && ZoneTransferService.IsTransferRequest(query))
            {
                return (consumed, written, query.ToArray());
            }

            var reply = _processor.Process(query, output[(written + LengthPrefix)..], overTcp: true);
            if (reply > 0)
            {
                _queryLog?.Log("tcp", connection.RemoteEndPoint, output.Slice(written + LengthPrefix, reply));
                BinaryPrimitives.WriteUInt16BigEndian(output[written..], (ushort)reply);
                written += LengthPrefix + reply;
            }
        }

        return (consumed, written, null);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "TCP connection from {Client} refused: {MaxPerClient} connections from its address are already open (server.tcpMaxConnectionsPerClient); {Suppressed} more refused since the last such line (at most one per {IntervalSeconds} s)")]
    private static partial void LogRefusedPerClient(ILogger logger, IPEndPoint? client, int maxPerClient, long suppressed, double intervalSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TCP connections full ({MaxConnections}, server.tcpMaxConnections): closed {Victim} (from {Client}) to let a new one in; {Suppressed} more closed since the last such line (at most one per {IntervalSeconds} s)")]
    private static partial void LogEvicted(ILogger logger, int maxConnections, string victim, IPEndPoint? client, long suppressed, double intervalSeconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "TCP connection from {Client} closed: too slow {Doing}")]
    private static partial void LogTimedOut(ILogger logger, IPEndPoint? client, string doing);

    [LoggerMessage(Level = LogLevel.Error, Message = "TCP connection failed")]
    private static partial void LogConnectionFailed(ILogger logger, Exception exception);
}
