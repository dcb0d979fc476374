namespace FailoverDns.Health.Probes;

/// <summary>The names failure reasons go by in the admin API and in metric labels: <c>connection_refused</c>, …</summary>
public static class ProbeFailureNames
{
    private static readonly string[] Names =
        [.. Enum.GetValues<ProbeFailure>().Select(f => string.Concat(f.ToString().Select((c, i) => (i > 0 && char.IsUpper(c) ? "_" : "") + char.ToLowerInvariant(c))))];

    public static string ToName(this ProbeFailure failure) => (int)failure < Names.Length ? Names[(int)failure] : "other";
}
