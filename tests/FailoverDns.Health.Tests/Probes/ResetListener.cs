using System.Net;
using System.Net.Sockets;

namespace FailoverDns.Health.Tests.Probes;

/// <summary>
/// A loopback listener that accepts every connection and resets it at once (linger on with a zero
/// timeout, then close: the kernel sends RST instead of FIN), the "accepts and then resets" target
/// of issue 13 §3. With <c>finFirst</c> it sends FIN before the RST (the client sees the
/// connection closed, then reset). <see cref="Accepted"/> counts the connections it reset.
/// </summary>
internal sealed class ResetListener : IDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly bool _finFirst;
    private int _accepted;

    public ResetListener(bool finFirst = false)
    {
        _finFirst = finFirst;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(64);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _loop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    public int Accepted => Volatile.Read(ref _accepted);

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();

        // The loop ends on the cancellation or the disposed socket; bounded either way.
        _ = _loop.Wait(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            if (_finFirst)
            {
                accepted.Shutdown(SocketShutdown.Send);
            }

            accepted.LingerState = new LingerOption(true, 0);
            accepted.Close();
            Interlocked.Increment(ref _accepted);
        }
    }
}
