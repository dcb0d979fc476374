using FailoverDns.Zones.Config;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Json;

namespace FailoverDns.Server.Hosting;

/// <summary>Builds the Serilog logger from the config's <c>logging</c> section.</summary>
internal static class SerilogSetup
{
    private const string TextTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    public static Serilog.ILogger Create(LoggingOptions options)
    {
        var level = Enum.Parse<LogEventLevel>(options.Level);
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(level)
            // The framework's own start-up chatter is not what an operator reads first.
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .Enrich.FromLogContext();
        configuration = options.Format == "json"
            ? configuration.WriteTo.Console(new JsonFormatter(renderMessage: true))
            : configuration.WriteTo.Console(outputTemplate: TextTemplate, standardErrorFromLevel: LogEventLevel.Verbose);
        return configuration.CreateLogger();
    }
}
