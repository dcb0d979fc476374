using FailoverDns.Health.Monitoring;
using Microsoft.Extensions.Logging;

namespace FailoverDns.Health.Tests.Monitoring;

/// <summary>Keeps every entry at or above <see cref="MinimumLevel"/>, formatted, so a test can read what was logged.</summary>
internal sealed class CapturingLogger : ILogger<HealthMonitor>
{
    private readonly Lock _gate = new();
    private readonly List<(LogLevel Level, string Message, Exception? Exception)> _entries = [];

    public LogLevel MinimumLevel { get; init; } = LogLevel.Information;

    public IReadOnlyList<(LogLevel Level, string Message, Exception? Exception)> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= MinimumLevel;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var message = formatter(state, exception);
        lock (_gate)
        {
            _entries.Add((logLevel, message, exception));
        }
    }
}
