using System.Diagnostics.Metrics;

namespace FailoverDns.Server.Metrics;

/// <summary>
/// A histogram whose buckets its owner keeps (the query path counts into per-thread blocks, which a
/// <see cref="Histogram{T}"/> cannot do without a shared write per query) and hands over when
/// collected. It is published on the meter like any instrument; <see cref="PrometheusCollector"/>
/// reads its buckets, and listeners that only take measurements see none.
/// </summary>
public sealed class ObservableHistogram : ObservableInstrument<double>
{
    private readonly Func<IEnumerable<HistogramPoint>> _collect;

    public ObservableHistogram(Meter meter, string name, string unit, string description, IReadOnlyList<double> bounds, Func<IEnumerable<HistogramPoint>> collect)
        : base(meter, name, unit, description)
    {
        Bounds = bounds;
        _collect = collect;
        Publish();
    }

    /// <summary>Upper bounds of the buckets, ascending; a last bucket takes everything above.</summary>
    public IReadOnlyList<double> Bounds { get; }

    public IEnumerable<HistogramPoint> Collect() => _collect();

    protected override IEnumerable<Measurement<double>> Observe() => [];
}

/// <summary>One series of an <see cref="ObservableHistogram"/>: per-bucket counts (not cumulative) and the sum of values.</summary>
public sealed record HistogramPoint(KeyValuePair<string, object?>[] Tags, long[] Counts, double Sum);
