using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace FailoverDns.Testing.Http;

/// <summary>
/// A tiny HTTP/1.1 (optionally TLS) server on a loopback port chosen by the OS, with the raw
/// control the probe tests need: stalls, garbage, exact bodies, and a record of what the client
/// sent (request line, headers, SNI).
/// </summary>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    // Every wait in the server is bounded, so a broken test fails instead of hanging.
    private static readonly TimeSpan ConnectionLifetime = TimeSpan.FromSeconds(10);

    private readonly IPAddress _address;
    private readonly ServerReply _reply;
    private readonly X509Certificate2? _certificate;
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
    private readonly ConcurrentQueue<string?> _sniNames = new();
    private TcpListener? _listener;
    private CancellationTokenSource _stop;
    private Task _acceptLoop = Task.CompletedTask;
    private int _connections;
    private volatile FrozenSet<IPAddress> _refused = FrozenSet<IPAddress>.Empty;

    private LoopbackHttpServer(IPAddress address, ServerReply reply, X509Certificate2? certificate)
    {
        _address = address;
        _reply = reply;
        _certificate = certificate;
        Listen(0);
    }

    public int Port { get; private set; }

    public int ConnectionCount => Volatile.Read(ref _connections);

    public IReadOnlyList<ReceivedRequest> Requests => [.. _requests];

    /// <summary>The SNI name of each TLS handshake, null when the client sent none.</summary>
    public IReadOnlyList<string?> SniNames => [.. _sniNames];

    /// <summary>Starts answering every request with <paramref name="reply"/> (by default 200 with an empty body), over TLS when given a certificate.</summary>
    public static LoopbackHttpServer Start(ServerReply? reply = null, X509Certificate2? certificate = null, IPAddress? address = null) =>
        new(address ?? IPAddress.Loopback, reply ?? new ServerReply(), certificate);

    /// <summary>Closes the listening socket and every connection: probes now get "connection refused".</summary>
    public async Task StopAsync()
    {
        if (_listener is null)
        {
            return;
        }

        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
        _listener = null;
    }

    /// <summary>
    /// From now on, resets every connection from one of <paramref name="sources"/> before reading
    /// anything (replacing any earlier set; none given refuses nobody): a probe from there fails as if
    /// the backend were unreachable from that location. Refused connections are not counted.
    /// </summary>
    public void RefuseFrom(params IPAddress[] sources) => _refused = sources.Select(Normalized).ToFrozenSet();

    /// <summary>Listens again on the same port, as a restarted web server would.</summary>
    public void Restart() => Listen(Port);

    public async ValueTask DisposeAsync() => await StopAsync();

    [MemberNotNull(nameof(_stop))]
    private void Listen(int port)
    {
        var listener = new TcpListener(_address, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _listener = listener;
        _stop = new CancellationTokenSource();
        _acceptLoop = AcceptLoopAsync(listener, _stop.Token);
    }

    private async Task AcceptLoopAsync(TcpListener listener, CancellationToken stop)
    {
        var connections = new List<Task>();
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var socket = await listener.AcceptSocketAsync(stop);
                if (IsRefused(socket))
                {
                    Reset(socket);
                    continue;
                }

                Interlocked.Increment(ref _connections);
                connections.Add(ServeAsync(socket, stop));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        await Task.WhenAll(connections).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private static void Reset(Socket socket)
    {
        try
        {
            // Linger 0 makes the close a reset, so the client fails at once instead of seeing an empty reply.
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (SocketException)
        {
            // The client is already gone; it must not stop the accept loop.
        }

        socket.Dispose();
    }

    private bool IsRefused(Socket socket) =>
        socket.RemoteEndPoint is IPEndPoint remote && _refused.Contains(Normalized(remote.Address));

    private static IPAddress Normalized(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private async Task ServeAsync(Socket socket, CancellationToken stop)
    {
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(stop);
        lifetime.CancelAfter(ConnectionLifetime);
        var token = lifetime.Token;
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            if (_certificate is not null)
            {
                if (_reply.Behaviour == ServerBehaviour.NoTlsHandshake)
                {
                    await Task.Delay(Timeout.Infinite, token);
                    return;
                }

                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = tls;
                await tls.AuthenticateAsServerAsync(
                    new SslServerAuthenticationOptions
                    {
                        ServerCertificateSelectionCallback = (_, hostName) =>
                        {
                            _sniNames.Enqueue(string.IsNullOrEmpty(hostName) ? null : hostName);
                            return _certificate;
                        },
                    },
                    token);
            }

            if (_reply.Behaviour == ServerBehaviour.Garbage)
            {
                // Like an SSH server: speaks first, and not HTTP (nor TLS).
                await stream.WriteAsync("SSH-2.0-OpenSSH_9.2\r\n"u8.ToArray(), token);
                await stream.FlushAsync(token);
                await Task.Delay(TimeSpan.FromSeconds(1), token);
                return;
            }

            var request = await ReadRequestAsync(stream, token);
            if (request is null)
            {
                return;
            }

            _requests.Enqueue(request);
            await ReplyAsync(stream, token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or System.Security.Authentication.AuthenticationException)
        {
            // The client went away, rejected the certificate, or the test is over.
        }
        finally
        {
            await stream.DisposeAsync();
        }
    }

    private async Task ReplyAsync(Stream stream, CancellationToken token)
    {
        switch (_reply.Behaviour)
        {
            case ServerBehaviour.NeverRespond:
                await Task.Delay(Timeout.Infinite, token);
                return;
            case ServerBehaviour.CloseWithoutResponse:
                return;
            case ServerBehaviour.HeadersThenStall:
                await stream.WriteAsync(Head(contentLength: 100), token);
                await stream.FlushAsync(token);
                await Task.Delay(Timeout.Infinite, token);
                return;
            default:
                await stream.WriteAsync(Head(_reply.Body.Length), token);
                await stream.WriteAsync(_reply.Body, token);
                await stream.FlushAsync(token);
                return;
        }
    }

    private byte[] Head(int contentLength)
    {
        var head = new StringBuilder()
            .Append(FormattableString.Invariant($"HTTP/1.1 {_reply.Status} Test\r\n"))
            .Append(FormattableString.Invariant($"Content-Length: {contentLength}\r\n"))
            .Append("Connection: close\r\n");
        foreach (var header in _reply.ExtraHeaders)
        {
            head.Append(header).Append("\r\n");
        }

        return Encoding.ASCII.GetBytes(head.Append("\r\n").ToString());
    }

    private static async Task<ReceivedRequest?> ReadRequestAsync(Stream stream, CancellationToken token)
    {
        var buffer = new byte[16 * 1024];
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(filled), token);
            if (read == 0)
            {
                return null;
            }

            filled += read;
            var end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                return Parse(Encoding.ASCII.GetString(buffer, 0, end));
            }
        }

        return null;
    }

    private static ReceivedRequest Parse(string head)
    {
        var lines = head.Split("\r\n");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        return new ReceivedRequest(lines[0], headers);
    }
}
