using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace FailoverDns.Server.Metrics;

/// <summary>
/// How the instruments leave the process: the OpenTelemetry SDK reads this host's
/// <see cref="MeterNames.FailoverDns"/> meter and serves it at <c>GET /metrics</c> (with the admin
/// API on), and pushes it over OTLP when <see cref="EndpointVariable"/> (or its metrics-only
/// variant) is set.
/// </summary>
public static class MetricsExport
{
    public const string ScrapePath = "/metrics";

    /// <summary>The standard switch for OTLP export: the collector's base address.</summary>
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public const string MetricsEndpointVariable = "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT";

    /// <summary>
    /// The OpenTelemetry environment variables passed on to the SDK. The host reads its settings
    /// from our YAML, not from the environment, so the SDK sees only these (by their standard names).
    /// </summary>
    private static readonly string[] Variables =
    [
        EndpointVariable, MetricsEndpointVariable,
        "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL",
        "OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_METRICS_HEADERS",
        "OTEL_EXPORTER_OTLP_TIMEOUT", "OTEL_EXPORTER_OTLP_METRICS_TIMEOUT",
        "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE",
        "OTEL_METRIC_EXPORT_INTERVAL", "OTEL_METRIC_EXPORT_TIMEOUT",
        "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES",
    ];

    /// <summary>The SDK's default is 2,000 series per instrument; 10,000 checks make 30,000 status series.</summary>
    private const int DefaultCardinalityLimit = 2000;

    /// <summary>The OpenTelemetry variables that are set, as configuration the SDK reads.</summary>
    public static Dictionary<string, string?> Settings(Func<string, string?> environment) =>
        Variables.Select(name => (name, value: environment(name)))
            .Where(v => !string.IsNullOrEmpty(v.value))
            .ToDictionary(v => v.name, v => v.value, StringComparer.Ordinal);

    public static bool OtlpRequested(IReadOnlyDictionary<string, string?> settings) =>
        settings.ContainsKey(EndpointVariable) || settings.ContainsKey(MetricsEndpointVariable);

    /// <summary>
    /// Per-check and per-record-set instruments get room for four series per check and record set
    /// (the most any of them has per check is three, one per status), so that reloads that add a
    /// few can still be counted; the SDK allocates that room up front for each of them. In cluster
    /// mode the per-location instruments get <see cref="MaxLocations"/> series per check.
    /// </summary>
    public static int CardinalityLimit(int checks, int failoverSets, bool cluster = false) =>
        Math.Max(DefaultCardinalityLimit, (4 * (checks + failoverSets)) + (cluster ? MaxLocations * checks : 0));

    /// <summary>Locations per check the per-location cluster metrics have room for.</summary>
    public const int MaxLocations = 16;

    /// <summary>
    /// Registers the SDK for this host's meter. With neither exporter it registers nothing: nobody
    /// listens, and the query path then skips its metrics after one branch.
    /// </summary>
    public static void AddMetricsExport(this IServiceCollection services, bool prometheus, bool otlp, int cardinalityLimit)
    {
        if (!prometheus && !otlp)
        {
            return;
        }

        // Through the host's metrics listener, not AddMeter: it enables only the meters this host's
        // IMeterFactory made (MeterScope.Local); tests run several hosts in one process.
        services.AddMetrics(metrics => metrics.EnableMetrics(MeterNames.FailoverDns, null, null, MeterScope.Local));
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("failoverdns").AddEnvironmentVariableDetector())
            .WithMetrics(builder =>
            {
                // No traces to link exemplars to; the filter would be asked on every measurement.
                builder.SetExemplarFilter(ExemplarFilterType.AlwaysOff);
                builder.AddView(instrument => View(instrument, cardinalityLimit));
                if (prometheus)
                {
                    builder.AddPrometheusExporter(options =>
                    {
                        // Every scrape collects afresh, as Prometheus expects; the SDK's default caches for 300 ms.
                        options.ScrapeResponseCacheDurationMilliseconds = 0;

                        // The documented series only: no otel_scope_name label on each of them and no target_info
                        // family (Prometheus labels the target itself).
                        options.ScopeInfoEnabled = false;
                        options.TargetInfoEnabled = false;
                    });
                }

                if (otlp)
                {
                    builder.AddOtlpExporter();
                }
            });
    }

    /// <summary><c>GET /metrics</c>, behind whatever the admin API requires of every request.</summary>
    public static IEndpointConventionBuilder MapMetrics(this IEndpointRouteBuilder endpoints) => endpoints.MapPrometheusScrapingEndpoint(ScrapePath);

    private static MetricStreamConfiguration? View(Instrument instrument, int cardinalityLimit)
    {
        if (instrument.Meter.Name != MeterNames.FailoverDns)
        {
            return null;
        }

        var limit = instrument.Name.StartsWith("failoverdns.health.", StringComparison.Ordinal) || instrument.Name.StartsWith("failoverdns.failover.", StringComparison.Ordinal)
            ? cardinalityLimit
            : DefaultCardinalityLimit;

        // Buckets come from each histogram's advice; min and max are not in the Prometheus format and cost a compare each.
        return instrument.GetType().IsGenericType && instrument.GetType().GetGenericTypeDefinition() == typeof(Histogram<>)
            ? new ExplicitBucketHistogramConfiguration { RecordMinMax = false, CardinalityLimit = limit }
            : new MetricStreamConfiguration { CardinalityLimit = limit };
    }
}
