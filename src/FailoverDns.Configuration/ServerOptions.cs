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

    /// <summary>Connections beyond this are closed as soon as they are accepted.</summary>
    public int TcpMaxConnections { get; init; } = 1000;

    /// <summary>Response rate limiting of UDP replies (section <c>server.rateLimit</c>).</summary>
    public RateLimitOptions RateLimit { get; init; } = new();
}
