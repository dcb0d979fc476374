namespace FailoverDns.Configuration;

/// <summary>Transport settings; the defaults follow Knot and NSD.</summary>
public sealed record ServerOptions
{
    /// <summary>UDP sockets, each with its own thread; 0 means one per CPU core.</summary>
    public int UdpWorkers { get; init; }

    /// <summary>Receive and send UDP in batches (recvmmsg/sendmmsg) where the OS has them (Linux).</summary>
    public bool UdpBatching { get; init; } = true;

    /// <summary>A TCP connection with no complete query for this long is closed (RFC 7766 §6.2.3).</summary>
    public TimeSpan TcpIdleTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Open TCP connections per listener at most. When the table is full a new connection takes the
    /// slot of the one idle longest (or, with none idle, the one stalled longest) instead of being
    /// refused (RFC 7766 §6.2.3).
    /// </summary>
    public int TcpMaxConnections { get; init; } = 1000;

    /// <summary>
    /// A message must arrive whole within this long of its first byte, however the bytes trickle in
    /// (Knot's tcp-io-timeout is 500 ms): an idle timer restarted by every byte lets a slow sender
    /// keep a slot for ever (RFC 7766 §10).
    /// </summary>
    public TimeSpan TcpMessageTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A batch of replies must be taken by the client within this long, or the connection is closed (RFC 7766 §10).</summary>
    public TimeSpan TcpSendTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Open TCP connections per client at most: per IPv4 address, per IPv6 /64. Beyond it a new
    /// connection is closed at once (RFC 7766 §6.2.2 allows it; kept loose, a NAT or a resolver
    /// farm may sit behind one address).
    /// </summary>
    public int TcpMaxConnectionsPerClient { get; init; } = 20;

    /// <summary>Response rate limiting of UDP replies (section <c>server.rateLimit</c>).</summary>
    public RateLimitOptions RateLimit { get; init; } = new();
}
