using System.Net;
using System.Net.Sockets;
using FailoverDns.Testing.Http;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Cluster;

/// <summary>
/// The backend the cluster tests make unreachable from one probe location only: connections from a
/// refused source address are reset, others are served.
/// </summary>
public sealed class LoopbackHttpServerRefuseTests
{
    private static readonly IPAddress Reachable = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress Unreachable = IPAddress.Parse("127.0.0.3");

    [Fact]
    public async Task RefuseFrom_OneSource_ItsConnectionsResetWhileAnotherGets200_UntilLifted()
    {
        await using var server = LoopbackHttpServer.Start();
        server.RefuseFrom(Unreachable);

        // The reset surfaces as an HttpRequestException, or as the SocketException HttpClient meets
        // asking the already-reset socket for its remote end point: either way, no response.
        var refused = () => GetFromAsync(Unreachable, server.Port);
        await refused.Should().ThrowAsync<Exception>().Where(e => e is HttpRequestException || e is SocketException);
        (await GetFromAsync(Reachable, server.Port)).Should().Be(HttpStatusCode.OK);
        server.Requests.Should().ContainSingle();

        server.RefuseFrom();
        (await GetFromAsync(Unreachable, server.Port)).Should().Be(HttpStatusCode.OK);
    }

    // A fresh client per request bound to the source address, as a probe sending from sourceAddress is.
    private static async Task<HttpStatusCode> GetFromAsync(IPAddress source, int port)
    {
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, token) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, token);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
        using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/"));
        return response.StatusCode;
    }
}
