namespace FailoverDns.Zones.Text;

/// <summary>
/// How many errors one file keeps; the rest are only counted. A file of a million bad lines must
/// cost a hundred errors' memory, log lines and API bytes, not a million.
/// </summary>
public sealed class ErrorBudget(int perFile = ErrorBudget.DefaultPerFile)
{
    public const int DefaultPerFile = 100;

    /// <summary>Errors found and dropped.</summary>
    public int Omitted { get; private set; }

    /// <summary>Drops the errors added since <paramref name="firstOfFile"/> beyond the budget, counting them.</summary>
    public void Trim(List<ConfigError> errors, int firstOfFile)
    {
        var keep = firstOfFile + perFile;
        if (errors.Count > keep)
        {
            Omitted += errors.Count - keep;
            errors.RemoveRange(keep, errors.Count - keep);
        }
    }
}
