namespace FailoverDns.Server.Transport;

/// <summary>The metric label of each <see cref="TcpCloseReason"/>.</summary>
internal static class TcpCloseReasonNames
{
    public static string ToName(TcpCloseReason reason) => reason switch
    {
        TcpCloseReason.PerClientLimit => "per_client_limit",
        TcpCloseReason.EvictedIdle => "evicted_idle",
        TcpCloseReason.EvictedStalled => "evicted_stalled",
        TcpCloseReason.IdleTimeout => "idle_timeout",
        TcpCloseReason.MessageTimeout => "message_timeout",
        TcpCloseReason.SendTimeout => "send_timeout",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
