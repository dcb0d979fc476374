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
        var bucket = 0;
        while (bucket < _bounds.Length && value > _bounds[bucket])
        {
            bucket++;
        }

        cell.Buckets[bucket]++;
        cell.Sum += value;
        cell.Count++;
    }

    public override void WriteTo(StringBuilder output)
    {
        PrometheusText.WriteHeader(output, Name, Instrument.Description, "histogram");
        foreach (var (labels, cells) in _cells.ByLabels())
        {
            var separator = labels.Length > 0 ? "," : "";
            long cumulative = 0;
            for (var i = 0; i <= _bounds.Length; i++)
            {
                cumulative += cells.Sum(c => Volatile.Read(ref c.Buckets[i]));
                var le = i < _bounds.Length ? PrometheusText.Number(_bounds[i]) : "+Inf";
                PrometheusText.WriteSample(output, Name + "_bucket", $"{labels}{separator}le=\"{le}\"", cumulative);
            }

            PrometheusText.WriteSample(output, Name + "_sum", labels, cells.Sum(c => Volatile.Read(ref c.Sum)));
            PrometheusText.WriteSample(output, Name + "_count", labels, cells.Sum(c => Volatile.Read(ref c.Count)));
        }
    }

    public void Dispose() => _cells.Dispose();

    private sealed class Cell(int buckets)
    {
        public readonly long[] Buckets = new long[buckets];
        public double Sum;
        public long Count;
    }
}
