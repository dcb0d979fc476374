namespace FailoverDns.Server.Transport;

/// <summary>Why the server, not the client, ended a TCP connection.</summary>
internal enum TcpCloseReason
{
    /// <summary>Refused on accept: the client's address already had its share of connections.</summary>
    PerClientLimit,

    /// <summary>The table was full; this connection had been idle the longest.</summary>
    EvictedIdle,

    /// <summary>The table was full and none was idle; this one had waited longest for a message or a send.</summary>
    EvictedStalled,

    /// <summary>No message began within the idle timeout.</summary>
    IdleTimeout,

    /// <summary>A message began but did not arrive whole in time.</summary>
    MessageTimeout,

    /// <summary>The client did not take the replies in time.</summary>
    SendTimeout,
}
