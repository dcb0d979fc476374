using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using FailoverDns.Configuration;
using FailoverDns.Server.Lifecycle;
using FailoverDns.Server.Query;
using FailoverDns.Server.Transfer;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FailoverDns.Server.Transport;

/// <summary>
/// Binds every configured endpoint when the host starts (a busy port stops start-up with a clear
/// message), starts answering once the <see cref="StartupGate"/> opens, and stops the listeners when
/// it stops. Queries that arrive while the gate is shut wait in the sockets' queues.
/// </summary>
internal sealed partial class DnsListenerService(
    FailoverDnsConfig config,
    QueryProcessor processor,
    QueryLog queryLog,
    ReadinessState readiness,
    StartupGate gate,
    IMeterFactory meters,
    ILogger<DnsListenerService> logger,
    ZoneTransferService? transfers = null) : IHostedService, IDisposable
{
    private const int PortZeroAttempts = 10;

    private readonly TcpConnectionMetrics _tcpMetrics = new(meters);

    private readonly List<IDisposable> _listeners = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<IPEndPoint> _udp = [];
    private readonly List<IPEndPoint> _tcp = [];

    /// <summary>The UDP endpoints as bound (port 0 replaced by the real port).</summary>
    public IReadOnlyList<IPEndPoint> UdpEndPoints => _udp;

    public IReadOnlyList<IPEndPoint> TcpEndPoints => _tcp;

    private QueryLog? LogOrNull => queryLog.Enabled ? queryLog : null;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var workers = config.Server.UdpWorkers > 0 ? config.Server.UdpWorkers : Environment.ProcessorCount;
        try
        {
            foreach (var endpoint in config.Listen)
            {
                BindEndpoint(endpoint, workers);
            }
        }
        catch
        {
            StopAll();
            throw;
        }

        readiness.MarkListenersBound();
        if (gate.Opened.IsCompleted)
        {
            StartAnswering();
        }
        else
        {
            _ = StartAnsweringWhenOpenAsync();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping.Cancel();
        lock (_listeners)
        {
            StopAll();
        }

        return Task.CompletedTask;
    }

    public void Dispose() => _stopping.Dispose();

    private async Task StartAnsweringWhenOpenAsync()
    {
        try
        {
            await gate.WaitAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        StartAnswering();
    }

    private void StartAnswering()
    {
        lock (_listeners)
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            foreach (var listener in _listeners)
            {
                switch (listener)
                {
                    case UdpDnsListener udp:
                        udp.Start();
                        LogListening(logger, "UDP", udp.LocalEndPoint, udp.Workers, udp.Batching ? "recvmmsg batches" : "one datagram per call");
                        break;
                    case TcpDnsListener tcp:
                        tcp.Start();
                        LogListeningTcp(logger, tcp.LocalEndPoint);
                        break;
                }
            }
        }

        readiness.MarkAnswering();
    }

    private void BindEndpoint(ListenEndpoint endpoint, int workers)
    {
        // With port 0, UDP and TCP must still share one port number: retry if TCP finds it taken.
        for (var attempt = 1; ; attempt++)
        {
            UdpDnsListener? udp = null;
            try
            {
                var target = endpoint.EndPoint;
                if (endpoint.Udp)
                {
                    udp = UdpDnsListener.Bind(target, workers, config.Server.UdpBatching, processor, LogOrNull, logger);
                    target = udp.LocalEndPoint;
                }

                // The real clock whatever the probes run on: the connection deadlines are socket
                // timers, and which connection waited longest must be measured on the same clock.
                var tcp = endpoint.Tcp
                    ? TcpDnsListener.Bind(target, config.Server, processor, LogOrNull, _tcpMetrics, TimeProvider.System, logger, transfers)
                    : null;
                if (udp is not null)
                {
                    _listeners.Add(udp);
                    _udp.Add(udp.LocalEndPoint);
                }

                if (tcp is not null)
                {
                    _listeners.Add(tcp);
                    _tcp.Add(tcp.LocalEndPoint);
                }

                return;
            }
            catch (ListenerBindException e) when (endpoint.Port == 0 && attempt < PortZeroAttempts
                && e.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
            {
                udp?.Dispose();
            }
            catch
            {
                udp?.Dispose();
                throw;
            }
        }
    }

    private void StopAll()
    {
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        _listeners.Clear();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening on TCP {EndPoint}")]
    private static partial void LogListeningTcp(ILogger logger, IPEndPoint endPoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening on {Protocol} {EndPoint} ({Workers} workers, {Mode})")]
    private static partial void LogListening(ILogger logger, string protocol, IPEndPoint endPoint, int workers, string mode);
}
