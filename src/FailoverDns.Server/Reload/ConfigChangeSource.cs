using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Threading.Channels;
using FailoverDns.Configuration;
using FailoverDns.Zones.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FailoverDns.Server.Reload;

/// <summary>
/// Decides when to reload: when the config file or a zone file it names changes (watched
/// directories, debounced, and only if the files' contents really changed), on SIGHUP, and when
/// asked (the admin API). <see cref="ConfigApplier"/> does the reload.
/// </summary>
public sealed partial class ConfigChangeSource(ConfigSource source, ConfigApplier applier, ILogger<ConfigChangeSource> logger) : BackgroundService
{
    /// <summary>Editors write a file in several steps; changes this close together make one reload.</summary>
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(300);

    private const string HangupReason = "SIGHUP";

    /// <summary>A watched directory changed: a hint, replaced in the reason by the files that really changed.</summary>
    private const string FileEventReason = "file changed";

    /// <summary>At most this many changed files are named in a reload's reason; the rest are counted.</summary>
    private const int NamedFiles = 5;

    private readonly Channel<string> _requests = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly Lock _gate = new();
    private Dictionary<string, byte[]> _lastSeen = new(StringComparer.Ordinal);
    private PosixSignalRegistration? _hangup;

    /// <summary>Asks for a reload soon (what SIGHUP does); it happens on this service's own task.</summary>
    public void Request(string why) => _requests.Writer.TryWrite(why);

    /// <summary>Reloads now, on the caller's thread, and watches the files of the config served; true when the new config is served.</summary>
    public bool ReloadNow(string why)
    {
        // Files are fingerprinted before the load as well as after: a file edited while it loads keeps
        // its earlier print, so the edit's event finds it changed and reloads once more, instead of
        // the new print hiding an edit the load never read. (A file the new config names for the
        // first time has only its print from after.)
        var before = Fingerprint(applier.Current);
        var served = applier.Reload(why);
        lock (_gate)
        {
            _lastSeen = Fingerprint(applier.Current).ToDictionary(f => f.Key, f => before.GetValueOrDefault(f.Key) ?? f.Value);
            Watch(applier.Current);
        }

        return served;
    }

    /// <summary>
    /// Takes over SIGHUP and starts watching before the host reports started: since .NET 10 all of
    /// ExecuteAsync runs later on the thread pool, and a SIGHUP with no handler terminates the process.
    /// </summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _lastSeen = Fingerprint(applier.Current);
            Watch(applier.Current);
        }

        _hangup = RegisterHangup();
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _hangup?.Dispose();
        lock (_gate)
        {
            StopWatching();
        }

        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _requests.Reader.WaitToReadAsync(stoppingToken))
            {
                // Let a burst of file events settle, then reload once for all of them.
                await Task.Delay(Debounce, stoppingToken);
                var reasons = new List<string>();
                while (_requests.Reader.TryRead(out var reason))
                {
                    reasons.Add(reason);
                }

                try
                {
                    var changed = ChangedFiles();
                    if (reasons.Contains(HangupReason) || changed.Count > 0)
                    {
                        ReloadNow(Why(reasons, changed));
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A fault here would stop the host; the next change or SIGHUP tries again.
                    LogReloadFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>The source files whose contents differ from when they were last read, in the order the config names them.</summary>
    private List<string> ChangedFiles()
    {
        lock (_gate)
        {
            return [.. Fingerprint(applier.Current)
                .Where(f => !_lastSeen.TryGetValue(f.Key, out var seen) || !seen.AsSpan().SequenceEqual(f.Value))
                .Select(f => f.Key)];
        }
    }

    /// <summary>
    /// Why a reload happens, in words: the requests other than file events (SIGHUP), then the files that
    /// changed, relative to the config file's directory: <c>zones/example.org.zone changed</c>.
    /// </summary>
    private string Why(List<string> requests, List<string> changed)
    {
        var reasons = requests.Where(r => r != FileEventReason).Distinct(StringComparer.Ordinal).ToList();
        if (changed.Count > 0)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(source.Path)) ?? "/";
            var names = changed.Take(NamedFiles).Select(f => Path.GetRelativePath(directory, f) is var relative && !relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative) ? relative : f).ToList();
            if (changed.Count > NamedFiles)
            {
                names.Add(FormattableString.Invariant($"{changed.Count - NamedFiles} more files"));
            }

            var list = names.Count == 1 ? names[0] : $"{string.Join(", ", names.SkipLast(1))} and {names[^1]}";
            reasons.Add($"{list} changed");
        }

        return reasons.Count > 0 ? string.Join(", ", reasons) : FileEventReason;
    }

    /// <summary>
    /// A hash of the config file and of every zone file it reads, to tell a real change from a touch and to name what changed.
    /// Read by the loader's rules (regular files, bounded size and time): a file swapped for a FIFO
    /// or a device counts as changed, and the reload then says why it cannot be read.
    /// </summary>
    private Dictionary<string, byte[]> Fingerprint(FailoverDnsConfig config)
    {
        var hashes = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var configFile = Path.GetFullPath(source.Path);
        foreach (var file in SourceFiles(config))
        {
            var limits = file == configFile ? FileReadOptions.Default : config.Files;
            hashes[file] = BoundedFileReader.TryReadBytes(file, limits, out var bytes, out var problem)
                ? SHA256.HashData(bytes)
                : SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"unreadable {file}: {problem}"));
        }

        return hashes;
    }

    private IEnumerable<string> SourceFiles(FailoverDnsConfig config) =>
        new[] { Path.GetFullPath(source.Path) }
            .Concat(config.Zones.SelectMany(z => z.Records.Select(r => r.Location.File)).Distinct(StringComparer.Ordinal).Select(Path.GetFullPath))
            .Distinct(StringComparer.Ordinal);

    /// <summary>
    /// Watches the directories of the config and zone files. Any change there is a hint (editors
    /// rename temporary files over the original; Kubernetes swaps a symlinked directory); the
    /// fingerprint decides whether anything read actually changed. Called under the gate.
    /// </summary>
    private void Watch(FailoverDnsConfig config)
    {
        StopWatching();
        foreach (var directory in SourceFiles(config).Select(Path.GetDirectoryName).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            try
            {
                var watcher = new FileSystemWatcher(directory)
                {
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                    IncludeSubdirectories = false,
                };
                watcher.Changed += (_, _) => Request(FileEventReason);
                watcher.Created += (_, _) => Request(FileEventReason);
                watcher.Renamed += (_, _) => Request(FileEventReason);
                watcher.Deleted += (_, _) => Request(FileEventReason);
                watcher.EnableRaisingEvents = true;
                _watchers.Add(watcher);
            }
            catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException or UnauthorizedAccessException)
            {
                LogCannotWatch(logger, directory, e.Message);
            }
        }
    }

    private void StopWatching()
    {
        _watchers.ForEach(w => w.Dispose());
        _watchers.Clear();
    }

    private PosixSignalRegistration? RegisterHangup()
    {
        try
        {
            return PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true; // reload instead of the default: terminate
                Request(HangupReason);
            });
        }
        catch (PlatformNotSupportedException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot watch {Directory} for config changes ({Reason}); reload with SIGHUP")]
    private static partial void LogCannotWatch(ILogger logger, string directory, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reload failed; the next change or SIGHUP tries again")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception);
}
