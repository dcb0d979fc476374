using System.Net;
using System.Net.Sockets;
using FailoverDns.Configuration;
using FailoverDns.Protocol;
using Microsoft.Extensions.Logging;

namespace FailoverDns.Server.Query;

/// <summary>
/// One Debug line per answered query when <c>logging.queries</c> is on: client, transport, question,
/// rcode and size, read back from the reply. It allocates, so the listeners call it only when on.
/// </summary>
public sealed partial class QueryLog(FailoverDnsConfig config, ILogger<QueryLog> logger)
{
    public bool Enabled { get; } = config.Logging.Queries && logger.IsEnabled(LogLevel.Debug);

    public void Log(string transport, EndPoint? client, ReadOnlySpan<byte> reply)
    {
        if (!DnsMessage.TryParse(reply, out var message) || message!.Questions.Count == 0)
        {
            LogUnparsed(logger, client, transport, reply.Length);
            return;
        }

        var question = message.Questions[0];
        LogQuery(logger, client, transport, DnsName.ToText(question.Name), RecordTypeNames.ToName(question.Type), RcodeNames.ToName(message.ResponseCode), message.Answers.Count, reply.Length);
    }

    /// <summary>A peer's sockaddr as the kernel filled it in (recvmmsg), as an endpoint.</summary>
    public static EndPoint? Peer(ReadOnlySpan<byte> sockaddr)
    {
        if (sockaddr.Length < 2)
        {
            return null;
        }

        var family = sockaddr.Length >= 28 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
        var address = new SocketAddress(family, sockaddr.Length);
        sockaddr.CopyTo(address.Buffer.Span);
        return new IPEndPoint(IPAddress.Any, 0).Create(address);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Query from {Client} over {Transport}: {Name} {Type} -> {Rcode}, {Answers} answer(s), {Bytes} bytes")]
    private static partial void LogQuery(ILogger logger, EndPoint? client, string transport, string name, string type, string rcode, int answers, int bytes);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Query from {Client} over {Transport}: malformed, answered with {Bytes} bytes")]
    private static partial void LogUnparsed(ILogger logger, EndPoint? client, string transport, int bytes);
}
