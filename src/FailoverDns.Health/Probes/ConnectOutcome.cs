using System.Net.Sockets;

namespace FailoverDns.Health.Probes;

/// <summary>A connected socket (owned by the receiver), or why there is none.</summary>
internal sealed record ConnectOutcome(Socket? Socket, ProbeFailure Failure, string Detail)
{
    public static ConnectOutcome Connected(Socket socket, string detail) => new(socket, ProbeFailure.None, detail);

    public static ConnectOutcome Failed(ProbeFailure failure, string detail) => new(null, failure, detail);
}
