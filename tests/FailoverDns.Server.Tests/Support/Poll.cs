using System.Diagnostics;

namespace FailoverDns.Server.Tests.Support;

/// <summary>Waits for a condition by polling, bounded in count and in time.</summary>
internal static class Poll
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    /// <summary>Reads until <paramref name="accept"/> holds and returns that value; throws with the last value otherwise.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> accept, string what, TimeSpan? deadline = null)
    {
        var limit = deadline ?? Deadline;
        var clock = Stopwatch.StartNew();
        var last = await read();
        for (var attempt = 0; attempt < 1000 && clock.Elapsed < limit; attempt++)
        {
            if (accept(last))
            {
                return last;
            }

            await Task.Delay(50);
            last = await read();
        }

        return accept(last) ? last : throw new TimeoutException($"no {what} within {limit.TotalSeconds} s; last: {last}");
    }

    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? deadline = null) =>
        UntilAsync(() => Task.FromResult(condition()), ok => ok, what, deadline);
}
