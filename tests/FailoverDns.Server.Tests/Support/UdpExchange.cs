using System.Net;
using System.Net.Sockets;

namespace FailoverDns.Server.Tests.Support;

internal static class UdpExchange
{
    /// <summary>Sends one query and waits for the reply with the same ID, or null after <paramref name="wait"/>.</summary>
    public static async Task<byte[]?> TryAsync(UdpClient client, IPEndPoint server, byte[] query, TimeSpan wait)
    {
        await client.SendAsync(query, server);
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            while (true)
            {
                var reply = (await client.ReceiveAsync(timeout.Token)).Buffer;
                if (reply.Length >= 2 && reply[0] == query[0] && reply[1] == query[1])
                {
                    return reply;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }
}
