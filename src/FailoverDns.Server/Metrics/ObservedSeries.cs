using System.Diagnostics.Metrics;
using System.Text;

namespace FailoverDns.Server.Metrics;

/// <summary>
/// An observable counter or gauge: read afresh at every scrape, so a series that is no longer
/// reported (a health check removed by a reload) disappears.
/// </summary>
internal sealed class ObservedSeries(Instrument instrument, bool isCounter) : InstrumentSeries(instrument)
{
    // Only the scraping thread touches this, under the collector's scrape lock.
    private readonly Dictionary<string, double> _values = new(StringComparer.Ordinal);

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) => _values[PrometheusText.Labels(tags)] = value;

    public override void BeginScrape() => _values.Clear();

    public override void WriteTo(StringBuilder output)
    {
        var name = isCounter ? Name + "_total" : Name;
        PrometheusText.WriteHeader(output, name, Instrument.Description, isCounter ? "counter" : "gauge");
        foreach (var (labels, value) in _values)
        {
            PrometheusText.WriteSample(output, name, labels, value);
        }
    }
}
