using System.Text.Json;
using FailoverDns.Health.Checks;
using FailoverDns.Health.State;
using FailoverDns.Zones.Text;
using Microsoft.Extensions.Logging;

namespace FailoverDns.Server.Persistence;

/// <summary>
/// The state file (<c>admin.stateFile</c>): operator overrides and each endpoint check's last known
/// state, so that a restart neither forgets an override nor serves a primary that was down. Read once
/// at start-up; written whole, beside and renamed over, so a crash never leaves half a file. A file
/// from before check states were kept (a list of overrides) is read as it is.
/// </summary>
public sealed partial class StateFile(string? path, ILogger<StateFile> logger)
{
    private readonly Lock _gate = new();
    private PersistedState? _read;
    private bool _writeFailing;

    /// <summary>Null when state is not kept.</summary>
    public string? Path => path;

    /// <summary>The serials of the transferred zones as served now, written with every state; null: none kept.</summary>
    public Func<IReadOnlyDictionary<string, uint>>? ServedSerials { get; set; }

    /// <summary>What the file held at start-up (read on first use); empty when there is none or it cannot be read.</summary>
    public PersistedState Saved
    {
        get
        {
            lock (_gate)
            {
                return _read ??= Read();
            }
        }
    }

    /// <summary>The saved check states, as the health store restores them.</summary>
    public IEnumerable<SavedCheckState> SavedChecks()
    {
        foreach (var check in Saved.Checks)
        {
            if (HealthStatusNames.TryParse(check.State, out var status))
            {
                yield return new SavedCheckState(check.Check, check.Definition, status, check.Since);
            }
        }
    }

    /// <summary>
    /// True when the state file can be written now: a file beside it is created and removed, as each
    /// write does. <paramref name="problem"/> says why not. True when no state is kept.
    /// </summary>
    public bool IsWritable([System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? problem)
    {
        problem = null;
        if (path is null)
        {
            return true;
        }

        var probe = path + ".tmp";
        try
        {
            using (File.Open(probe, FileMode.OpenOrCreate, FileAccess.Write))
            {
            }

            File.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"the state file {path} cannot be written ({e.Message})";
            return false;
        }
    }

    /// <summary>Writes the overrides and check states of <paramref name="health"/> as they are now; returns the check states written.</summary>
    public IReadOnlyList<SavedCheckState> Write(HealthStateStore health)
    {
        if (path is null)
        {
            return health.Known;
        }

        // Read under the lock as well: of two writers, the one that writes last wrote the newer state.
        lock (_gate)
        {
            var checks = health.Known;
            var state = new PersistedState(
                [.. health.All.Where(s => s.Override is not null).Select(s => new PersistedOverride(s.Name, s.Override!.State.ToName(), s.Override.Until, s.Override.Reason, s.Override.Since))],
                [.. checks.Select(c => new PersistedCheck(c.Check, c.Judgement, c.Status.ToName(), c.Since))])
            {
                Serials = ServedSerials?.Invoke() is { Count: > 0 } serials ? new Dictionary<string, uint>(serials) : null,
            };
            try
            {
                var temporary = path + ".tmp";
                File.WriteAllText(temporary, JsonSerializer.Serialize(state, StateFileJsonContext.Default.PersistedState));
                File.Move(temporary, path, overwrite: true);
                _writeFailing = false;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Once per run of failures: a read-only directory must not log at every change.
                if (!_writeFailing)
                {
                    LogUnwritable(logger, path, e);
                }

                _writeFailing = true;
            }

            return checks;
        }
    }

    private PersistedState Read()
    {
        if (path is null || !File.Exists(path))
        {
            return PersistedState.Empty;
        }

        // Bounded like any file read: a FIFO or a huge file in its place must not stop start-up.
        if (!BoundedFileReader.TryReadText(path, FileReadOptions.Default with { ConfinedTo = null }, out var text, out var problem))
        {
            LogUnreadable(logger, path, problem ?? "unreadable");
            return PersistedState.Empty;
        }

        try
        {
            return text.TrimStart().StartsWith('[')
                ? new PersistedState(JsonSerializer.Deserialize(text, StateFileJsonContext.Default.ListPersistedOverride) ?? [], [])
                : JsonSerializer.Deserialize(text, StateFileJsonContext.Default.PersistedState) is { } state
                    ? new PersistedState(state.Overrides ?? [], state.Checks ?? []) { Serials = state.Serials }
                    : PersistedState.Empty;
        }
        catch (JsonException e)
        {
            LogUnreadable(logger, path, $"it is not a state file ({e.Message})");
            return PersistedState.Empty;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Cannot read the state file {Path}: {Problem}; starting without saved overrides and check states")]
    private static partial void LogUnreadable(ILogger logger, string path, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cannot write the state file {Path}; overrides and check states will not survive a restart")]
    private static partial void LogUnwritable(ILogger logger, string path, Exception exception);
}
