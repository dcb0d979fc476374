using System.Runtime.InteropServices;

namespace FailoverDns.Server.Transport;

/// <summary>
/// recvmmsg(2)/sendmmsg(2) on Linux x86-64/arm64 (LP64): batches of datagrams per system call,
/// the step past one receive and one send per query (docs/architecture.md, rules for the query path).
/// </summary>
internal static unsafe partial class MmsgInterop
{
    public const int MsgWaitForOne = 0x10000;
    public const int MsgTrunc = 0x20;
    public const int Eintr = 4;
    public const int Eagain = 11;
    public const int SockaddrStorageSize = 128;
    private const int SolSocket = 1;
    private const int SoRcvTimeo = 20;

    public static bool IsSupported => OperatingSystem.IsLinux() && Environment.Is64BitProcess;

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct MMsgHdr
    {
        public MsgHdr Header;
        public uint Length;
    }

    // No SetLastError: a failed receive (timeout, signal) is simply retried, so errno is not read.
    [LibraryImport("libc")]
    public static partial int recvmmsg(nint fd, MMsgHdr* messages, uint count, int flags, void* timeout);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int sendmmsg(nint fd, MMsgHdr* messages, uint count, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setsockopt(nint fd, int level, int name, void* value, uint length);

    /// <summary>SO_RCVTIMEO: a blocked recvmmsg is not woken by closing the socket, so it must wake up by itself.</summary>
    public static bool TrySetReceiveTimeout(nint fd, TimeSpan timeout)
    {
        var timeval = stackalloc long[2];
        timeval[0] = (long)timeout.TotalSeconds;
        timeval[1] = timeout.Microseconds + (timeout.Milliseconds * 1000L);
        return setsockopt(fd, SolSocket, SoRcvTimeo, timeval, 16) == 0;
    }
}
