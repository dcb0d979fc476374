namespace FailoverDns.Server.Metrics;

/// <summary>The meter every FailoverDns instrument lives on (also what <c>dotnet-counters</c> is told to watch).</summary>
public static class MeterNames
{
    public const string FailoverDns = "FailoverDns";
}
