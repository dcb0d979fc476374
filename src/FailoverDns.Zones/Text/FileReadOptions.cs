namespace FailoverDns.Zones.Text;

/// <summary>
/// Limits on reading a config or zone file, so that a path pointing at a device, a FIFO or a huge
/// file fails one load with a message instead of hanging or exhausting the server.
/// </summary>
public sealed record FileReadOptions
{
    /// <summary>64 MiB: far above any config, room for zones of about a million records.</summary>
    public const long DefaultMaxSize = 64L * 1024 * 1024;

    /// <summary>1 GiB: the most <see cref="MaxSize"/> may be; a file is read into one array.</summary>
    public const int MaxMaxSize = 1024 * 1024 * 1024;

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    public static FileReadOptions Default { get; } = new();

    /// <summary>Largest file read, in bytes.</summary>
    public long MaxSize { get; init; } = DefaultMaxSize;

    /// <summary>Longest one file may take to open and read.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>The directory files must stay inside (the config file's); null allows any path.</summary>
    public string? ConfinedTo { get; init; }
}
