using System.Diagnostics.Metrics;
using System.Text;

namespace FailoverDns.Server.Metrics;

/// <summary>
/// A <see cref="Counter{T}"/> (a Prometheus counter) or an <see cref="UpDownCounter{T}"/> (a gauge).
/// A plain lock is enough: the query path counts through <see cref="QueryCounters"/>, and what
/// records here (transitions, reloads, alert deliveries) happens a few times a minute at most.
/// </summary>
internal sealed class SumSeries(Instrument instrument, bool isCounter) : InstrumentSeries(instrument)
{
    private readonly OrderedDictionary<string, double> _sums = new(StringComparer.Ordinal);

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = PrometheusText.Labels(tags);
        lock (_sums)
        {
            _sums[labels] = _sums.GetValueOrDefault(labels) + value;
        }
    }

    public override void WriteTo(StringBuilder output)
    {
        var name = isCounter ? Name + "_total" : Name;
        PrometheusText.WriteHeader(output, name, Instrument.Description, isCounter ? "counter" : "gauge");
        lock (_sums)
        {
            foreach (var (labels, sum) in _sums)
            {
                PrometheusText.WriteSample(output, name, labels, sum);
            }
        }
    }
}
