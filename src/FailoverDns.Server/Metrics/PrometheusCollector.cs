using System.Diagnostics.Metrics;
using System.Text;

namespace FailoverDns.Server.Metrics;

/// <summary>
/// Listens to every instrument of this host's <see cref="MeterNames.FailoverDns"/> meter and
/// renders them in the Prometheus text format for <c>GET /metrics</c>. Synchronous measurements
/// are summed as they come; observable ones are read at scrape.
/// </summary>
public sealed class PrometheusCollector : IDisposable
{
    private readonly MeterListener _listener;
    private readonly object _gate = new();
    private readonly List<InstrumentSeries> _series = [];

    public PrometheusCollector(IMeterFactory meters)
    {
        _listener = new MeterListener
        {
            // Meters from this host's factory only: tests run several hosts in one process.
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == MeterNames.FailoverDns && ReferenceEquals(instrument.Meter.Scope, meters))
                {
                    var series = InstrumentSeries.For(instrument);
                    lock (_gate)
                    {
                        _series.Add(series);
                    }

                    listener.EnableMeasurementEvents(instrument, series);
                }
            },
            MeasurementsCompleted = (instrument, state) =>
            {
                lock (_gate)
                {
                    _series.Remove((InstrumentSeries)state!);
                }
            },
        };
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.Start();
    }

    /// <summary>Every metric family, sorted by name.</summary>
    public string Scrape()
    {
        var output = new StringBuilder();
        lock (_gate)
        {
            foreach (var series in _series)
            {
                series.BeginScrape();
            }

            _listener.RecordObservableInstruments();
            foreach (var series in _series.OrderBy(s => s.Instrument.Name, StringComparer.Ordinal))
            {
                series.WriteTo(output);
            }
        }

        return output.ToString();
    }

    public void Dispose() => _listener.Dispose();
}
