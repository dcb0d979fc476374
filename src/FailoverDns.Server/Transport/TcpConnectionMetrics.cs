using System.Diagnostics.Metrics;
using FailoverDns.Server.Metrics;

namespace FailoverDns.Server.Transport;

/// <summary>
/// TCP connections the server ended before the client did, by reason: the counts that replace a
/// log line per refusal (those lines are rate-limited, the counts are exact).
/// </summary>
internal sealed class TcpConnectionMetrics
{
    private readonly Counter<long> _closed;

    public TcpConnectionMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterNames.FailoverDns);
        _closed = meter.CreateCounter<long>(
            "failoverdns.dns.tcp.connections.closed",
            "{connection}",
            "TCP connections closed by the server, by reason: per_client_limit (refused on accept), evicted_idle and evicted_stalled (the table was full), idle_timeout, message_timeout, send_timeout");
    }

    public void Closed(TcpCloseReason reason) => _closed.Add(1, new KeyValuePair<string, object?>("reason", TcpCloseReasonNames.ToName(reason)));
}
