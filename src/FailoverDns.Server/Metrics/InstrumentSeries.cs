using System.Diagnostics.Metrics;
using System.Text;

namespace FailoverDns.Server.Metrics;

/// <summary>What <see cref="PrometheusCollector"/> keeps of one instrument, and how it is written out.</summary>
internal abstract class InstrumentSeries(Instrument instrument)
{
    public Instrument Instrument { get; } = instrument;

    protected string Name { get; } = PrometheusText.Name(instrument);

    public static InstrumentSeries For(Instrument instrument) => instrument switch
    {
        Counter<long> or Counter<int> or Counter<double> => new SumSeries(instrument, isCounter: true),
        UpDownCounter<long> or UpDownCounter<int> or UpDownCounter<double> => new SumSeries(instrument, isCounter: false),
        Histogram<double> h => new HistogramSeries(h, h.Advice?.HistogramBucketBoundaries),
        Histogram<int> h => new HistogramSeries(h, h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray()),
        Histogram<long> h => new HistogramSeries(h, h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray()),
        ObservableHistogram h => new CollectedHistogramSeries(h),
        ObservableCounter<long> or ObservableCounter<int> or ObservableCounter<double> => new ObservedSeries(instrument, isCounter: true),
        _ => new ObservedSeries(instrument, isCounter: false),
    };

    public abstract void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags);

    /// <summary>Called before observable instruments are read for a scrape.</summary>
    public virtual void BeginScrape()
    {
    }

    public abstract void WriteTo(StringBuilder output);
}
