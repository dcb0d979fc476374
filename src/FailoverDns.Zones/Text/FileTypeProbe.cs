using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FailoverDns.Zones.Text;

/// <summary>
/// Tells a regular file from a FIFO, a device or a socket before it is opened: opening a FIFO for
/// reading blocks until a writer appears, and a device such as /dev/zero never ends, and .NET has
/// no public API for the file type. The runtime's own native shim (the one FileStream uses) gives
/// it, with the same layout on every Unix.
/// </summary>
internal static partial class FileTypeProbe
{
    // S_IFMT and S_IFREG as normalised by the runtime's shim (the same values on Linux and macOS).
    private const int TypeMask = 0xF000;
    private const int RegularFile = 0x8000;
    private const int Directory = 0x4000;
    private const int Fifo = 0x1000;
    private const int CharacterDevice = 0x2000;
    private const int BlockDevice = 0x6000;
    private const int Socket = 0xC000;

    /// <summary>Null when <paramref name="path"/> (symbolic links followed) is a regular file, else what it is instead.</summary>
    public static string? NotRegular(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return System.IO.Directory.Exists(path) ? "a directory" : null;
        }

        if (Native.SystemNative_Stat(path, out var status) != 0)
        {
            // Missing or inaccessible: opening it reports the reason in the operator's words.
            return null;
        }

        return (status.Mode & TypeMask) switch
        {
            RegularFile => null,
            Directory => "a directory",
            Fifo => "a FIFO (named pipe)",
            CharacterDevice => "a character device",
            BlockDevice => "a block device",
            Socket => "a socket",
            _ => "not a regular file",
        };
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct FileStatus
    {
        public int Flags;
        public int Mode;
        public uint Uid;
        public uint Gid;
        public long Size;

        // Times, device and inode follow; room for them (and more) so the shim never writes past the end.
        public Reserved Rest;
    }

    [InlineArray(32)]
    private struct Reserved
    {
        private long _element;
    }

    private static class Native
    {
        [DllImport("libSystem.Native", ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int SystemNative_Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, out FileStatus status);
    }
}
