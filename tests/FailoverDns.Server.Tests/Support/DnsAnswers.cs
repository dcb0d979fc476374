using System.Net;
using System.Net.Sockets;
using FailoverDns.Protocol;

namespace FailoverDns.Server.Tests.Support;

/// <summary>Asks the server one question over UDP and returns the reply's rcode and answer records as text.</summary>
internal static class DnsAnswers
{
    public static Task<string> AskAsync(ServerFixture server, string name, RecordType type = RecordType.A) =>
        AskAsync(server.UdpEndPoint, name, type);

    /// <summary>The same for any server at <paramref name="server"/> (another daemon, e.g. a secondary).</summary>
    public static async Task<string> AskAsync(IPEndPoint server, string name, RecordType type = RecordType.A)
    {
        using var client = new UdpClient(server.AddressFamily);
        var query = Queries.Build(name, type, id: (ushort)Random.Shared.Next(1, ushort.MaxValue));
        var reply = await UdpExchange.TryAsync(client, server, query, TimeSpan.FromSeconds(2));
        if (reply is null || !DnsMessage.TryParse(reply, out var message))
        {
            return "no reply";
        }

        return string.Join(" | ", [RcodeNames.ToName(message!.ResponseCode), .. message.Answers.Select(r => r.ToString())]);
    }
}
