using System.Runtime.InteropServices;

namespace FailoverDns.Server.Transport;

/// <summary>
/// The open connections of one TCP listener, counted in total and per client. When full, a new
/// connection is let in by evicting another rather than refused: RFC 7766 §6.2.3 asks servers to
/// manage idle connections when resources run short, and refusing would let whoever holds every slot
/// keep them (a truncated UDP answer then can never be retried over TCP).
/// </summary>
internal sealed class TcpConnectionTable(int maxConnections, int maxPerClient)
{
    private readonly Lock _gate = new();
    private readonly HashSet<TcpConnection> _open = [];
    private readonly Dictionary<UInt128, int> _perClient = [];

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _open.Count;
            }
        }
    }

    /// <summary>
    /// Adds <paramref name="connection"/>, unless its client already has its share of connections.
    /// With the table full, <paramref name="evicted"/> is the connection removed to make room: the one
    /// idle longest, else (none idle) the one that has waited longest for a message to arrive or for
    /// its replies to be taken, the least useful slot either way. The caller closes it.
    /// </summary>
    public bool TryAdd(TcpConnection connection, out TcpConnection? evicted)
    {
        evicted = null;
        lock (_gate)
        {
            if (_perClient.TryGetValue(connection.Client, out var fromClient) && fromClient >= maxPerClient)
            {
                return false;
            }

            if (_open.Count >= maxConnections)
            {
                evicted = LeastUseful();
                RemoveLocked(evicted);
            }

            _open.Add(connection);
            CollectionsMarshal.GetValueRefOrAddDefault(_perClient, connection.Client, out _)++;
            return true;
        }
    }

    /// <summary>Removes a connection that ended; false when it had already been evicted.</summary>
    public bool Remove(TcpConnection connection)
    {
        lock (_gate)
        {
            return RemoveLocked(connection);
        }
    }

    private TcpConnection LeastUseful()
    {
        TcpConnection? oldestIdle = null;
        TcpConnection? oldestBusy = null;
        foreach (var open in _open)
        {
            if (open.IsIdle)
            {
                if (oldestIdle is null || open.Since < oldestIdle.Since)
                {
                    oldestIdle = open;
                }
            }
            else if (oldestBusy is null || open.Since < oldestBusy.Since)
            {
                oldestBusy = open;
            }
        }

        return oldestIdle ?? oldestBusy!;
    }

    private bool RemoveLocked(TcpConnection connection)
    {
        if (!_open.Remove(connection))
        {
            return false;
        }

        ref var count = ref CollectionsMarshal.GetValueRefOrNullRef(_perClient, connection.Client);
        if (--count == 0)
        {
            _perClient.Remove(connection.Client);
        }

        return true;
    }
}
