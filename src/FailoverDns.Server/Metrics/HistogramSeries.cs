using System.Diagnostics.Metrics;
using System.Text;

namespace FailoverDns.Server.Metrics;

/// <summary>
/// A <see cref="Histogram{T}"/> as a Prometheus histogram, with the buckets the instrument advises.
/// Locked like <see cref="SumSeries"/>: the query path's histograms are <see cref="ObservableHistogram"/>s.
/// </summary>
internal sealed class HistogramSeries : InstrumentSeries
{
    /// <summary>Prometheus client libraries' default buckets, for an instrument that advises none.</summary>
    private static readonly double[] DefaultBounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly double[] _bounds;
    private readonly OrderedDictionary<string, Cell> _cells = new(StringComparer.Ordinal);

    public HistogramSeries(Instrument instrument, IReadOnlyList<double>? bounds)
        : base(instrument)
    {
        _bounds = [.. bounds ?? DefaultBounds];
    }

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = PrometheusText.Labels(tags);
        lock (_cells)
        {
            if (!_cells.TryGetValue(labels, out var cell))
            {
                _cells.Add(labels, cell = new Cell(_bounds.Length + 1));
            }

            cell.Buckets[Buckets.IndexOf<double>(_bounds, value)]++;
            cell.Sum += value;
        }
    }

    public override void WriteTo(StringBuilder output)
    {
        PrometheusText.WriteHeader(output, Name, Instrument.Description, "histogram");
        lock (_cells)
        {
            foreach (var (labels, cell) in _cells)
            {
                PrometheusText.WriteHistogram(output, Name, labels, _bounds, cell.Buckets, cell.Sum);
            }
        }
    }

    private sealed class Cell(int buckets)
    {
        public readonly long[] Buckets = new long[buckets];
        public double Sum;
    }
}
