using System.Net.Sockets;

namespace FailoverDns.Health.Probes;

/// <summary>
/// A connected socket (owned by the receiver), or why there is none. <see cref="HandshakeCompleted"/>
/// is also true when the target completed the handshake and reset the connection before the
/// connect call returned: connected, but with no socket left to use.
/// </summary>
internal sealed record ConnectOutcome(Socket? Socket, ProbeFailure Failure, string Detail)
{
    /// <summary>The TCP handshake completed, whatever happened to the connection after it.</summary>
    public bool HandshakeCompleted { get; init; }

    public static ConnectOutcome Connected(Socket socket, string detail) => new(socket, ProbeFailure.None, detail) { HandshakeCompleted = true };

    /// <summary>Connected, then reset by the target: a TCP check's pass, an HTTP check's connection error.</summary>
    public static ConnectOutcome ResetAfterHandshake(string detail) => new(null, ProbeFailure.ConnectionError, detail) { HandshakeCompleted = true };

    public static ConnectOutcome Failed(ProbeFailure failure, string detail) => new(null, failure, detail);
}
