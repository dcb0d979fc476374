using System.Numerics;

namespace FailoverDns.Server.Metrics;

/// <summary>Which histogram bucket a value falls in: the first whose upper bound it does not exceed, else the last (+Inf).</summary>
internal static class Buckets
{
    public static int IndexOf<T>(ReadOnlySpan<T> upperBounds, T value)
        where T : INumber<T>
    {
        var bucket = 0;
        while (bucket < upperBounds.Length && value > upperBounds[bucket])
        {
            bucket++;
        }

        return bucket;
    }
}
