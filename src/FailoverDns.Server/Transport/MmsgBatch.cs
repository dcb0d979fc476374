using System.Runtime.InteropServices;
using static FailoverDns.Server.Transport.MmsgInterop;

namespace FailoverDns.Server.Transport;

/// <summary>
/// One worker's native buffers for recvmmsg/sendmmsg: <see cref="Size"/> request slots, each with
/// its peer address and its reply slot, allocated once and reused for every batch.
/// </summary>
internal sealed unsafe class MmsgBatch : IDisposable
{
    public const int Size = 32;

    /// <summary>Larger queries are flagged truncated by the kernel and answered with FORMERR.</summary>
    public const int RequestCapacity = 4096;

    private readonly int _responseCapacity;
    private readonly MMsgHdr* _received;
    private readonly MMsgHdr* _outgoing;
    private readonly IoVec* _receiveVectors;
    private readonly IoVec* _sendVectors;
    private readonly byte* _addresses;
    private readonly byte* _requests;
    private readonly byte* _responses;
    private int _queued;

    /// <summary>The slots the last receive filled: the only headers the kernel wrote to.</summary>
    private int _filled = Size;

    public MmsgBatch(int responseCapacity)
    {
        _responseCapacity = responseCapacity;
        _received = Alloc<MMsgHdr>(Size);
        _outgoing = Alloc<MMsgHdr>(Size);
        _receiveVectors = Alloc<IoVec>(Size);
        _sendVectors = Alloc<IoVec>(Size);
        _addresses = Alloc<byte>(Size * SockaddrStorageSize);
        _requests = Alloc<byte>(Size * RequestCapacity);
        _responses = Alloc<byte>(Size * responseCapacity);
        for (var i = 0; i < Size; i++)
        {
            _receiveVectors[i] = new IoVec { Base = _requests + (i * RequestCapacity), Length = RequestCapacity };
            _received[i].Header.Name = _addresses + (i * SockaddrStorageSize);
            _received[i].Header.Iov = &_receiveVectors[i];
            _received[i].Header.IovLength = 1;
        }
    }

    /// <summary>Waits for at least one datagram and takes every one already queued, up to <see cref="Size"/>.</summary>
    public int Receive(nint fd)
    {
        for (var i = 0; i < _filled; i++)
        {
            _received[i].Header.NameLength = SockaddrStorageSize;
            _received[i].Header.Flags = 0;
        }

        var received = recvmmsg(fd, _received, Size, MsgWaitForOne, null);
        _filled = Math.Max(received, 0);
        return received;
    }

    public ReadOnlySpan<byte> Request(int slot) =>
        new(_requests + (slot * RequestCapacity), (int)Math.Min(_received[slot].Length, RequestCapacity));

    /// <summary>The sockaddr the request in <paramref name="slot"/> came from (for rate limiting and the query log).</summary>
    public ReadOnlySpan<byte> Peer(int slot) => new(_received[slot].Header.Name, (int)_received[slot].Header.NameLength);

    public Span<byte> ResponseBuffer(int slot) => new(_responses + (slot * _responseCapacity), _responseCapacity);

    /// <summary>Queues the reply in <paramref name="slot"/> for the peer that sent that slot's request.</summary>
    public void Queue(int slot, int length)
    {
        _sendVectors[_queued] = new IoVec { Base = _responses + (slot * _responseCapacity), Length = (nuint)length };
        ref var message = ref _outgoing[_queued].Header;
        message.Name = _received[slot].Header.Name;
        message.NameLength = _received[slot].Header.NameLength;
        message.Iov = &_sendVectors[_queued];
        message.IovLength = 1;
        _queued++;
    }

    /// <summary>Sends every queued reply; a reply the kernel refuses is dropped, as a lost UDP datagram would be.</summary>
    public void Flush(nint fd)
    {
        var sent = 0;
        while (sent < _queued)
        {
            var result = sendmmsg(fd, _outgoing + sent, (uint)(_queued - sent), 0);
            if (result > 0)
            {
                sent += result;
            }
            else if (result < 0 && Marshal.GetLastPInvokeError() == Eintr)
            {
                continue;
            }
            else
            {
                sent++; // skip the datagram the kernel rejected (e.g. an unreachable peer)
            }
        }

        _queued = 0;
    }

    public void Dispose()
    {
        NativeMemory.Free(_received);
        NativeMemory.Free(_outgoing);
        NativeMemory.Free(_receiveVectors);
        NativeMemory.Free(_sendVectors);
        NativeMemory.Free(_addresses);
        NativeMemory.Free(_requests);
        NativeMemory.Free(_responses);
    }

    private static T* Alloc<T>(int count)
        where T : unmanaged => (T*)NativeMemory.AllocZeroed((nuint)count, (nuint)sizeof(T));
}
