using FailoverDns.Configuration;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace FailoverDns.Server.Hosting;

/// <summary>Builds the Serilog logger from the config's <c>logging</c> section.</summary>
internal static class SerilogSetup
{
    private const string TextTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    /// <summary>The minimum level, as a switch a config reload can turn.</summary>
    public static LoggingLevelSwitch LevelSwitch(LoggingOptions options) => new(Enum.Parse<LogEventLevel>(options.Level));

    public static Serilog.ILogger Create(LoggingOptions options, LoggingLevelSwitch level)
    {
        var configuration = new LoggerConfiguration()
            .MinimumLevel.ControlledBy(level)
            // The framework's own start-up chatter is not what an operator reads first.
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .Filter.ByExcluding(IsStartupFailureReportedByProgram)
            .Enrich.FromLogContext();
        if (options.Queries)
        {
            // queries: true is enough on its own: the query lines are Debug, whatever the level.
            configuration = configuration.MinimumLevel.Override(typeof(Query.QueryLog).FullName!, LogEventLevel.Debug);
        }

        configuration = options.Format == "json"
            ? configuration.WriteTo.Console(new RenderedCompactJsonFormatter())
            : configuration.WriteTo.Console(outputTemplate: TextTemplate, standardErrorFromLevel: LogEventLevel.Verbose);
        return configuration.CreateLogger();
    }

    /// <summary>
    /// The host logs a failed start with the exception's stack trace; when that failure is one the
    /// program reports itself in one line (a <see cref="Lifecycle.StartupException"/>, or a bind
    /// failure of the admin API that <see cref="AdminWebHost"/> turns into one), the trace only buries that line.
    /// </summary>
    private static bool IsStartupFailureReportedByProgram(LogEvent logEvent)
    {
        if (logEvent.Exception is not { } exception
            || !logEvent.Properties.TryGetValue(Constants.SourceContextPropertyName, out var source)
            || source is not ScalarValue { Value: "Microsoft.Extensions.Hosting.Internal.Host" })
        {
            return false;
        }

        for (var cause = exception; cause is not null; cause = cause.InnerException)
        {
            if (cause is Lifecycle.StartupException)
            {
                return true;
            }
        }

        return AdminWebHost.BindFailure(exception) is not null;
    }
}
