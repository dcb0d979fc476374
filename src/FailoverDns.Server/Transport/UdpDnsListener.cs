using System.Net;
using System.Net.Sockets;
using FailoverDns.Server.Lifecycle;
using FailoverDns.Server.Query;
using Microsoft.Extensions.Logging;

namespace FailoverDns.Server.Transport;

/// <summary>
/// Answers UDP on one endpoint with one SO_REUSEPORT socket per worker, each served by its own
/// thread doing blocking receive and send: the design that keeps pace with Knot (docs/architecture.md, rules for the query path).
/// Buffers and the peer address are allocated once per thread; the reply is written in place.
/// </summary>
internal sealed partial class UdpDnsListener : IDisposable
{
    private const int ReceiveBufferSize = ushort.MaxValue;

    /// <summary>How often a batching worker blocked in recvmmsg wakes to see whether it should stop.</summary>
    private static readonly TimeSpan StopCheckInterval = TimeSpan.FromMilliseconds(200);

    private readonly Socket[] _sockets;
    private readonly Thread[] _threads;
    private readonly QueryProcessor _processor;
    private readonly QueryLog? _queryLog;
    private readonly ILogger _logger;

    // A query that trips a bug can be sent at packet rate: one line per 10 s, with a count.
    private readonly LogRateLimiter _failureLog = new(TimeSpan.FromSeconds(10), TimeProvider.System);
    private readonly bool _batching;
    private volatile bool _stopping;

    private UdpDnsListener(Socket[] sockets, int workers, bool batching, QueryProcessor processor, QueryLog? queryLog, ILogger logger)
    {
        _sockets = sockets;
        _batching = batching;
        _processor = processor;
        _queryLog = queryLog;
        _logger = logger;
        LocalEndPoint = (IPEndPoint)sockets[0].LocalEndPoint!;
        _threads = new Thread[workers];
    }

    public IPEndPoint LocalEndPoint { get; }

    public int Workers => _threads.Length;

    /// <summary>True when the workers use recvmmsg/sendmmsg batches rather than one call per datagram.</summary>
    public bool Batching => _batching;

    /// <summary>Binds every worker's socket now, so a busy port fails start-up and not later.</summary>
    public static UdpDnsListener Bind(IPEndPoint endpoint, int workers, bool batching, QueryProcessor processor, QueryLog? queryLog, ILogger logger)
    {
        var port = SocketBinder.ProbeFreeUdpPort(endpoint);
        var bound = new IPEndPoint(endpoint.Address, port);
        var reusePort = SocketBinder.ReusePortSupported && workers > 1;
        var sockets = new List<Socket>();
        try
        {
            for (var i = 0; i < (reusePort ? workers : 1); i++)
            {
                sockets.Add(SocketBinder.BindUdp(bound, reusePort));
            }
        }
        catch
        {
            sockets.ForEach(s => s.Dispose());
            throw;
        }

        return new UdpDnsListener([.. sockets], workers, batching && MmsgInterop.IsSupported, processor, queryLog, logger);
    }

    public void Start()
    {
        // Without SO_REUSEPORT the workers share one socket; blocking receives on it are thread-safe.
        for (var i = 0; i < _threads.Length; i++)
        {
            var socket = _sockets[i % _sockets.Length];
            _threads[i] = new Thread(() =>
            {
                if (_batching)
                {
                    ServeBatches(socket);
                }
                else
                {
                    Serve(socket);
                }
            })
            {
                IsBackground = true,
                Name = $"udp {LocalEndPoint} #{i}",
            };
            _threads[i].Start();
        }
    }

    public void Dispose()
    {
        _stopping = true;
        foreach (var socket in _sockets)
        {
            socket.Dispose(); // wakes the blocked receive
        }

        foreach (var thread in _threads)
        {
            thread?.Join(TimeSpan.FromSeconds(2));
        }
    }

    private void Serve(Socket socket)
    {
        var request = new byte[ReceiveBufferSize];
        var response = new byte[QueryProcessor.MaxUdpResponse];
        var peer = new SocketAddress(socket.AddressFamily);
        while (!_stopping)
        {
            int received;
            try
            {
                received = socket.ReceiveFrom(request, SocketFlags.None, peer);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                if (_stopping)
                {
                    return;
                }

                continue; // e.g. an ICMP error reported on the socket: the next datagram is unaffected
            }

            int length;
            try
            {
                length = _processor.Process(request.AsSpan(0, received), response, overTcp: false, peer.Buffer.Span[..peer.Size]);
            }
            catch (Exception e)
            {
                // A bug must cost one query, never the worker.
                ReportFailure(e);
                continue;
            }

            if (length == 0)
            {
                continue;
            }

            _queryLog?.Log("udp", QueryLog.Peer(peer.Buffer.Span[..peer.Size]), response.AsSpan(0, length));
            try
            {
                socket.SendTo(response.AsSpan(0, length), SocketFlags.None, peer);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // The peer is unreachable or we are stopping; nothing to do for UDP.
            }
        }
    }

    /// <summary>The Linux path: up to <see cref="MmsgBatch.Size"/> datagrams per receive and per send call.</summary>
    private void ServeBatches(Socket socket)
    {
        var handle = socket.SafeHandle;
        var referenced = false;
        using var batch = new MmsgBatch(QueryProcessor.MaxUdpResponse);
        try
        {
            // Keeps the descriptor alive while this thread uses it, even after Dispose.
            handle.DangerousAddRef(ref referenced);
            var fd = handle.DangerousGetHandle();
            if (!MmsgInterop.TrySetReceiveTimeout(fd, StopCheckInterval))
            {
                Serve(socket);
                return;
            }

            while (!_stopping)
            {
                AnswerBatch(fd, batch);
            }
        }
        finally
        {
            if (referenced)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// One recvmmsg, its answers, one sendmmsg. Kept out of the serving loop so the JIT compiles
    /// it as an ordinary hot method (tier 1, with profile data): a loop entered once only ever
    /// runs as on-stack-replacement code.
    /// </summary>
    private void AnswerBatch(nint fd, MmsgBatch batch)
    {
        var received = batch.Receive(fd);
        if (received <= 0)
        {
            return; // the receive timeout (EAGAIN) or a signal: the caller looks at the stop flag again
        }

        for (var slot = 0; slot < received; slot++)
        {
            int length;
            try
            {
                length = _processor.Process(batch.Request(slot), batch.ResponseBuffer(slot), overTcp: false, batch.Peer(slot));
            }
            catch (Exception e)
            {
                ReportFailure(e);
                continue;
            }

            if (length > 0)
            {
                _queryLog?.Log("udp", QueryLog.Peer(batch.Peer(slot)), batch.ResponseBuffer(slot)[..length]);
                batch.Queue(slot, length);
            }
        }

        batch.Flush(fd);
    }

    private void ReportFailure(Exception e)
    {
        if (_failureLog.TryAcquire(out var suppressed))
        {
            LogProcessingFailed(_logger, suppressed, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Query processing failed; the query was dropped ({Suppressed} more failures since the last such line)")]
    private static partial void LogProcessingFailed(ILogger logger, long suppressed, Exception exception);
}
