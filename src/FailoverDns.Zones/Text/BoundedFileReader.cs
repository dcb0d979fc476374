using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace FailoverDns.Zones.Text;

/// <summary>
/// Reads config and zone files within <see cref="FileReadOptions"/>: inside the config file's
/// directory, regular files only, at most a size, within a time. A file that breaks a rule fails
/// the load that asked for it with a sentence saying which rule, never a hang or an exhausted heap.
/// </summary>
public static class BoundedFileReader
{
    private const int ChunkSize = 64 * 1024;

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>The file's bytes, or why they were not read (a clause such as "it is a FIFO (named pipe), not a regular file").</summary>
    public static bool TryReadBytes(string path, FileReadOptions options, out byte[] bytes, out string? error)
    {
        bytes = [];
        string fullPath;
        try
        {
            fullPath = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            error = "it is not a valid path";
            return false;
        }

        error = OutsideConfinement(fullPath, options) ?? NotRegular(fullPath);
        return error is null && TryReadWithin(fullPath, options, out bytes, out error);
    }

    /// <summary>Reads <paramref name="fullPath"/> up to the size limit, giving up after the time limit.</summary>
    internal static bool TryReadWithin(string fullPath, FileReadOptions options, out byte[] bytes, out string? error)
    {
        bytes = [];
        // The read runs on its own task so that a file system that stops answering (or a file
        // swapped for a FIFO after the check) costs this load its timeout, not the server a thread
        // of every later reload waiting on a lock.
        using var cancel = new CancellationTokenSource();
        var read = Task.Run(() => ReadCore(fullPath, options.MaxSize, cancel.Token), CancellationToken.None);
        if (!read.Wait(options.Timeout))
        {
            cancel.Cancel();
            _ = read.ContinueWith(t => t.Exception, TaskScheduler.Default); // observed: it may fail after the deadline
            error = string.Create(CultureInfo.InvariantCulture, $"it took longer than {Describe(options.Timeout)} to read (files: readTimeout)");
            return false;
        }

        (bytes, error) = read.Result;
        return error is null;
    }

    /// <summary>The file as UTF-8 text (a BOM dropped); a file with NUL bytes or invalid UTF-8 is refused as not text.</summary>
    public static bool TryReadText(string path, FileReadOptions options, out string text, out string? error)
    {
        text = "";
        if (!TryReadBytes(path, options, out var bytes, out error))
        {
            return false;
        }

        error = NotText(bytes);
        if (error is not null)
        {
            return false;
        }

        var span = bytes.AsSpan();
        text = Encoding.UTF8.GetString(span.StartsWith(Utf8Bom) ? span[Utf8Bom.Length..] : span);
        return true;
    }

    /// <summary>Null when <paramref name="bytes"/> are UTF-8 text; else why not (a clause, as the read errors are).</summary>
    /// <remarks>
    /// A NUL never occurs in a config or zone file; it does in binary files and in /proc files such
    /// as environ. Such a file is refused whole, so nothing of it is quoted back in an error.
    /// </remarks>
    public static string? NotText(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Contains((byte)0))
        {
            return "it is not a text file (it contains NUL bytes)";
        }

        return Utf8.IsValid(bytes) ? null : "it is not a text file (it is not valid UTF-8)";
    }

    /// <summary>Why <paramref name="fullPath"/> may not be read under <paramref name="options"/>'s confinement, or null.</summary>
    public static string? OutsideConfinement(string fullPath, FileReadOptions options)
    {
        if (options.ConfinedTo is not { } directory)
        {
            return null;
        }

        var root = WithSeparator(Path.GetFullPath(directory));
        var refusal = $"it is outside the config file's directory {root} (files: allowOutsideConfigDirectory allows it)";
        if (!fullPath.StartsWith(root, StringComparison.Ordinal))
        {
            return refusal;
        }

        // No symbolic link along the path (the file's, or a directory's inside the root) may lead
        // out; a link to a sibling, as Kubernetes mounts config maps, is fine, and so is a root that
        // is itself a link. Compared as real paths, as realpath(3) gives them.
        try
        {
            var realRoot = WithSeparator(RealPath(root.TrimEnd(Path.DirectorySeparatorChar)));
            if (!RealPath(fullPath).StartsWith(realRoot, StringComparison.Ordinal))
            {
                return refusal;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Unreadable links fail when the file is opened, with the reason.
        }

        return null;
    }

    /// <summary>
    /// <paramref name="fullPath"/> with every symbolic link along it resolved, component by
    /// component (at most 40 links, as the kernel allows); components that do not exist stay as written.
    /// </summary>
    private static string RealPath(string fullPath)
    {
        var separator = Path.DirectorySeparatorChar;
        var pending = new Queue<string>(fullPath.Split(separator, StringSplitOptions.RemoveEmptyEntries));
        var current = Path.GetPathRoot(fullPath) ?? separator.ToString();
        for (var links = 0; pending.Count > 0;)
        {
            var next = Path.Combine(current, pending.Dequeue());
            if (links < 40 && new FileInfo(next).LinkTarget is { } target)
            {
                links++;
                var resolved = Path.GetFullPath(target, current);
                pending = new Queue<string>(resolved.Split(separator, StringSplitOptions.RemoveEmptyEntries).Concat(pending));
                current = Path.GetPathRoot(resolved) ?? separator.ToString();
                continue;
            }

            current = next;
        }

        return current;
    }

    private static string? NotRegular(string fullPath) =>
        FileTypeProbe.NotRegular(fullPath) is { } kind ? $"it is {kind}, not a regular file" : null;

    private static (byte[] Bytes, string? Error) ReadCore(string fullPath, long maxSize, CancellationToken cancel)
    {
        try
        {
            using var stream = new FileStream(fullPath, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete, BufferSize = 0 });
            var declared = stream.CanSeek ? stream.Length : 0;
            if (declared > maxSize)
            {
                return ([], TooLarge(maxSize));
            }

            // The declared size is a hint only (files under /proc say 0, a file may grow while read):
            // reading stops one byte past the limit whatever it said.
            var buffer = new byte[(int)Math.Min(Math.Max(declared, ChunkSize), maxSize + 1)];
            var length = 0;
            while (true)
            {
                cancel.ThrowIfCancellationRequested();
                if (length == buffer.Length)
                {
                    if (length > maxSize)
                    {
                        return ([], TooLarge(maxSize));
                    }

                    Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, maxSize + 1));
                }

                var count = stream.Read(buffer, length, Math.Min(buffer.Length - length, ChunkSize));
                if (count == 0)
                {
                    break;
                }

                length += count;
            }

            if (length > maxSize)
            {
                return ([], TooLarge(maxSize));
            }

            if (length != buffer.Length)
            {
                Array.Resize(ref buffer, length);
            }

            return (buffer, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or OperationCanceledException or ArgumentException or NotSupportedException)
        {
            return ([], e.Message);
        }
    }

    private static string TooLarge(long maxSize) =>
        string.Create(CultureInfo.InvariantCulture, $"it is larger than {maxSize} bytes (files: maxSize)");

    private static string Describe(TimeSpan time) => time.TotalSeconds >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{time.TotalSeconds:0.###}s")
        : string.Create(CultureInfo.InvariantCulture, $"{time.TotalMilliseconds:0}ms");

    private static string WithSeparator(string directory) => Path.TrimEndingDirectorySeparator(directory) + Path.DirectorySeparatorChar;
}
