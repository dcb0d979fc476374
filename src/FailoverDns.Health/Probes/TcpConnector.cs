using System.Net;
using System.Net.Sockets;

namespace FailoverDns.Health.Probes;

/// <summary>
/// Resolves a target and opens one TCP connection within a connect timeout, telling a resolver
/// failure, a refusal and a timeout apart. Shared by the TCP probe and the HTTP probe's
/// connect callback.
/// </summary>
internal static class TcpConnector
{
    /// <summary>
    /// Never throws except <see cref="OperationCanceledException"/> when
    /// <paramref name="cancellationToken"/> is cancelled; the connect timeout becomes a result.
    /// </summary>
    /// <param name="target">An IP address or a host name.</param>
    /// <param name="port">The TCP port.</param>
    /// <param name="connectTimeout">For resolution and connection together.</param>
    /// <param name="timeProvider">The clock of the timeout.</param>
    /// <param name="cancellationToken">Stops the attempt (a reload or shutdown).</param>
    /// <param name="source">The local address to connect from (a multi-homed host's, or a probe location's); any when null.</param>
    public static async Task<ConnectOutcome> ConnectAsync(string target, int port, TimeSpan connectTimeout, TimeProvider timeProvider, CancellationToken cancellationToken, IPAddress? source = null)
    {
        // Resolution and connection share the budget: Route 53 counts both as "connecting".
        using var timeout = new CancellationTokenSource(connectTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);

        IPAddress[] addresses;
        if (TryParseAddress(target, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            var resolved = await ResolveAsync(target, connectTimeout, linked.Token, cancellationToken);
            if (resolved.Outcome is { } failed)
            {
                return failed;
            }

            addresses = resolved.Addresses!;
        }

        var lastError = SocketError.HostNotFound;

        // One attempt per address, all within the same timeout: bounded by the address count.
        foreach (var address in addresses.Where(a => source is null || a.AddressFamily == source.AddressFamily))
        {
            Socket? socket = null;
            try
            {
                // Inside the try: an address family the host lacks (IPv6 off) fails here.
                socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                if (source is not null && Bind(socket, source) is { } unbound)
                {
                    socket.Dispose();
                    return unbound;
                }

                await socket.ConnectAsync(new IPEndPoint(address, port), linked.Token);
                return ConnectOutcome.Connected(socket, $"connected to {address}");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                socket?.Dispose();
                return ConnectOutcome.Failed(ProbeFailure.ConnectTimeout, $"no connection within {DurationText.Format(connectTimeout)}");
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.Shutdown)
            {
                // The connect's result is read (SO_ERROR) after the handshake, so a target that
                // accepts and resets at once can get its RST in first. Linux reports a reset to the
                // SYN as ECONNREFUSED; ECONNRESET (EPIPE after a FIN) only comes from a connection
                // that was established (tcp_reset, net/ipv4/tcp_input.c). The handshake completed.
                socket?.Dispose();
                return ConnectOutcome.ResetAfterHandshake($"connected to {address}, then reset by the target");
            }
            catch (SocketException ex)
            {
                socket?.Dispose();
                lastError = ex.SocketErrorCode;
            }
            catch
            {
                socket?.Dispose();
                throw;
            }
        }

        if (source is not null && !addresses.Any(a => a.AddressFamily == source.AddressFamily))
        {
            return ConnectOutcome.Failed(ProbeFailure.ConnectionError, $"{target} has no {Family(source)} address to reach from source {source}");
        }

        return ConnectFailureMapping.ForConnect(lastError);
    }

    /// <summary>Null when bound; else why not (an address this host does not have, say).</summary>
    private static ConnectOutcome? Bind(Socket socket, IPAddress source)
    {
        try
        {
            socket.Bind(new IPEndPoint(source, 0));
            return null;
        }
        catch (SocketException ex)
        {
            return ConnectOutcome.Failed(ProbeFailure.ConnectionError, $"cannot connect from source {source}: {ex.SocketErrorCode}");
        }
    }

    private static string Family(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4";

    /// <summary>Accepts an IP literal, with or without the brackets a URL puts around IPv6.</summary>
    public static bool TryParseAddress(string target, out IPAddress address)
    {
        var text = target.Length > 2 && target[0] == '[' && target[^1] == ']' ? target[1..^1] : target;
        return IPAddress.TryParse(text, out address!);
    }

    private static async Task<(IPAddress[]? Addresses, ConnectOutcome? Outcome)> ResolveAsync(string host, TimeSpan connectTimeout, CancellationToken token, CancellationToken callerToken)
    {
        Task<IPAddress[]>? lookup = null;
        try
        {
            lookup = Dns.GetHostAddressesAsync(host, token);

            // WaitAsync: a resolver that ignores cancellation must not stretch the probe.
            var addresses = await lookup.WaitAsync(token);
            return addresses.Length == 0
                ? (null, ConnectOutcome.Failed(ProbeFailure.DnsFailure, $"cannot resolve {host}: no addresses"))
                : (addresses, null);
        }
        catch (OperationCanceledException) when (!callerToken.IsCancellationRequested)
        {
            ObserveAbandoned(lookup);
            return (null, ConnectOutcome.Failed(ProbeFailure.DnsFailure, $"cannot resolve {host}: no answer within {DurationText.Format(connectTimeout)}"));
        }
        catch (SocketException ex)
        {
            return (null, ConnectFailureMapping.ForResolve(ex.SocketErrorCode, host));
        }
        catch (ArgumentException)
        {
            return (null, ConnectOutcome.Failed(ProbeFailure.DnsFailure, $"cannot resolve {host}: invalid host name"));
        }
        catch (OperationCanceledException)
        {
            ObserveAbandoned(lookup);
            throw;
        }
    }

    // An abandoned lookup may still fault later; observing it keeps UnobservedTaskException quiet.
    private static void ObserveAbandoned(Task? task) =>
        task?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
