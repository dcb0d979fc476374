namespace FailoverDns.Server.Metrics;

/// <summary>
/// One timed query, as its thread hands it to the histograms: the elapsed <see cref="System.Diagnostics.Stopwatch"/>
/// ticks (converted to seconds by the reader, off the query path), the response's size, and its transport.
/// </summary>
internal readonly record struct QuerySample(long ElapsedTicks, int Size, bool OverTcp);
