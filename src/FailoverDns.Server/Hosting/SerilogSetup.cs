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
}
