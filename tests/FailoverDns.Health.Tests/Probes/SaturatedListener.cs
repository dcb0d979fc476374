using System.Net;
using System.Net.Sockets;

namespace FailoverDns.Health.Tests.Probes;

/// <summary>
/// A loopback listener whose accept queue is full, so Linux drops further SYNs and a connect
/// hangs: a connect timeout without leaving loopback. <see cref="IsSaturated"/> says whether the
/// trick worked here (a filler connect itself timed out).
/// </summary>
internal sealed class SaturatedListener : IDisposable
{
    private const int MaxFillers = 16;

    private readonly Socket _listener;
    private readonly List<Socket> _fillers = [];

    private SaturatedListener(Socket listener)
    {
        _listener = listener;
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
    }

    public int Port { get; }

    public bool IsSaturated { get; private set; }

    public static async Task<SaturatedListener> StartAsync()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        // Backlog 0 and never accepting: one queued connection fills the queue.
        listener.Listen(0);
        var saturated = new SaturatedListener(listener);
        for (var i = 0; i < MaxFillers && !saturated.IsSaturated; i++)
        {
            var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(250));
            try
            {
                await filler.ConnectAsync(new IPEndPoint(IPAddress.Loopback, saturated.Port), timeout.Token);
                saturated._fillers.Add(filler);
            }
            catch (OperationCanceledException)
            {
                filler.Dispose();
                saturated.IsSaturated = true;
            }
        }

        return saturated;
    }

    public void Dispose()
    {
        foreach (var filler in _fillers)
        {
            filler.Dispose();
        }

        _listener.Dispose();
    }
}
