using System.Text;

namespace FailoverDns.Server.Metrics;

/// <summary>An <see cref="ObservableHistogram"/>: its owner's buckets, read at each scrape.</summary>
internal sealed class CollectedHistogramSeries(ObservableHistogram histogram) : InstrumentSeries(histogram)
{
    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        // Observable histograms hand over buckets through Collect(), never single measurements.
    }

    public override void WriteTo(StringBuilder output)
    {
        PrometheusText.WriteHeader(output, Name, Instrument.Description, "histogram");
        foreach (var point in histogram.Collect())
        {
            PrometheusText.WriteHistogram(output, Name, PrometheusText.Labels(point.Tags), histogram.Bounds, point.Counts, point.Sum);
        }
    }
}
