using System.Net;
using System.Net.Sockets;
using FailoverDns.Server.Lifecycle;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FailoverDns.Server.Hosting;

/// <summary>
/// The host with the admin API on. Kestrel reports a socket it cannot bind as an exception of its
/// own; this turns it into a <see cref="StartupException"/> naming the address and what to do, so
/// that it ends the process with one line and exit code 1, as a DNS socket that cannot be bound does.
/// </summary>
internal sealed class AdminWebHost(IHost inner, IPEndPoint listen) : IHost, IAsyncDisposable
{
    public IServiceProvider Services => inner.Services;

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await inner.StartAsync(cancellationToken);
        }
        catch (Exception e) when (BindFailure(e) is { } hint)
        {
            // The DNS listeners, probes and the rest started before Kestrel: stop them, last first, as
            // the host would. Not through the host's StopAsync, which would announce a shutdown of an
            // application that never started.
            foreach (var service in inner.Services.GetServices<IHostedService>().Reverse())
            {
                await service.StopAsync(CancellationToken.None);
            }

            throw new StartupException($"cannot listen on TCP {listen} for the admin API: {hint}; change admin.listen, or turn the API off with admin: {{ enabled: false }}", e);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken = default) => inner.StopAsync(cancellationToken);

    public void Dispose() => inner.Dispose();

    public ValueTask DisposeAsync() => inner is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;

    /// <summary>What to say when <paramref name="e"/> is Kestrel failing to bind; null for anything else.</summary>
    public static string? BindFailure(Exception e)
    {
        for (var cause = e; cause is not null; cause = cause.InnerException)
        {
            switch (cause)
            {
                case StartupException:
                    return null; // already said in an operator's words (a DNS socket, say), and not the admin API's
                case AddressInUseException:
                    return "the port is already in use by another process (is another FailoverDns running?)";
                case SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }:
                    return "the port is already in use by another process (is another FailoverDns running?)";
                case SocketException { SocketErrorCode: SocketError.AccessDenied }:
                    return "permission denied: ports below 1024 need root or CAP_NET_BIND_SERVICE";
                case SocketException { SocketErrorCode: SocketError.AddressNotAvailable or SocketError.InvalidArgument }:
                    return "this machine has no such address to listen on (write IPv4 addresses as such, not as [::ffff:a.b.c.d])";
                case SocketException socket:
                    return socket.Message;
            }
        }

        return null;
    }
}
