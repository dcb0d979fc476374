using System.Net;
using FailoverDns.Zones.Text;

namespace FailoverDns.Configuration;

/// <summary>An address and port to answer on, over UDP, TCP or both.</summary>
public sealed record ListenEndpoint(IPAddress Address, int Port, bool Udp, bool Tcp, SourceLocation Location)
{
    public IPEndPoint EndPoint => new(Address, Port);

    public override string ToString() => EndPoint.ToString();
}
