using System.Diagnostics.Metrics;
using System.Text;

namespace FailoverDns.Server.Metrics;

/// <summary>A <see cref="Histogram{T}"/> as a Prometheus histogram, with the buckets the instrument advises.</summary>
internal sealed class HistogramSeries : InstrumentSeries, IDisposable
{
    /// <summary>Prometheus client libraries' default buckets, for an instrument that advises none.</summary>
    private static readonly double[] DefaultBounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly double[] _bounds;
    private readonly ThreadCells<Cell> _cells;

    public HistogramSeries(Instrument instrument, IReadOnlyList<double>? bounds)
        : base(instrument)
    {
        _bounds = [.. bounds ?? DefaultBounds];
        _cells = new ThreadCells<Cell>(() => new Cell(_bounds.Length + 1));
    }

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var cell = _cells.Get(tags);
        cell.Buckets[Buckets.IndexOf<double>(_bounds, value)]++;
        cell.Sum += value;
    }

    public override void WriteTo(StringBuilder output)
    {
        PrometheusText.WriteHeader(output, Name, Instrument.Description, "histogram");
        foreach (var (labels, cells) in _cells.ByLabels())
        {
            var counts = Enumerable.Range(0, _bounds.Length + 1).Select(i => cells.Sum(c => Volatile.Read(ref c.Buckets[i]))).ToArray();
            PrometheusText.WriteHistogram(output, Name, labels, _bounds, counts, cells.Sum(c => Volatile.Read(ref c.Sum)));
        }
    }

    public void Dispose() => _cells.Dispose();

    private sealed class Cell(int buckets)
    {
        public readonly long[] Buckets = new long[buckets];
        public double Sum;
    }
}
