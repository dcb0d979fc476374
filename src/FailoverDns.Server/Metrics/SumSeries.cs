using System.Diagnostics.Metrics;
using System.Text;

namespace FailoverDns.Server.Metrics;

/// <summary>A <see cref="Counter{T}"/> (a Prometheus counter) or an <see cref="UpDownCounter{T}"/> (a gauge).</summary>
internal sealed class SumSeries(Instrument instrument, bool isCounter) : InstrumentSeries(instrument), IDisposable
{
    private readonly ThreadCells<Cell> _cells = new(() => new Cell());

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) => _cells.Get(tags).Value += value;

    public override void WriteTo(StringBuilder output)
    {
        var name = isCounter ? Name + "_total" : Name;
        PrometheusText.WriteHeader(output, name, Instrument.Description, isCounter ? "counter" : "gauge");
        foreach (var (labels, cells) in _cells.ByLabels())
        {
            PrometheusText.WriteSample(output, name, labels, cells.Sum(c => Volatile.Read(ref c.Value)));
        }
    }

    public void Dispose() => _cells.Dispose();

    private sealed class Cell
    {
        public double Value;
    }
}
