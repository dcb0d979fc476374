using FailoverDns.Zones.Model;

namespace FailoverDns.Zones.Lookup;

/// <summary>
/// The outcome of one lookup. <see cref="RRset"/> is the answer (or the delegation's NS for a
/// referral); <see cref="Node"/> the node it came from (the delegation point for a referral).
/// </summary>
public readonly record struct LookupResult(LookupOutcome Outcome, Zone? Zone, ZoneNode? Node, RRset? RRset, bool IsWildcard)
{
    public static LookupResult Refused => new(LookupOutcome.Refused, null, null, null, false);
}
