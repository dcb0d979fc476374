using FailoverDns.Protocol;
using FailoverDns.Zones.Model;

namespace FailoverDns.Zones.Lookup;

/// <summary>
/// The Additional section of a plan: the addresses of the in-zone targets of one RRset (NS glue,
/// MX and SRV targets), resolved against the plan's snapshot as they are enumerated, so that a plan
/// stays fixed-size whatever the number of targets.
/// </summary>
public readonly struct AdditionalEntries
{
    private readonly ZoneSnapshot? _snapshot;
    private readonly RRset? _source;
    private readonly int _sourceEntry;

    internal AdditionalEntries(ZoneSnapshot snapshot, RRset source, int sourceEntry)
    {
        _snapshot = snapshot;
        _source = source;
        _sourceEntry = sourceEntry;
    }

    public Enumerator GetEnumerator() => new(_snapshot, _source, _sourceEntry);

    public struct Enumerator
    {
        private readonly ZoneSnapshot? _snapshot;
        private readonly RRset? _source;
        private readonly int _sourceEntry;
        private int _next; // A of target _next / 2 when even, its AAAA when odd

        internal Enumerator(ZoneSnapshot? snapshot, RRset? source, int sourceEntry)
        {
            _snapshot = snapshot;
            _source = source;
            _sourceEntry = sourceEntry;
        }

        public AnswerPlanEntry Current { get; private set; }

        public bool MoveNext()
        {
            if (_source is null || _snapshot is null)
            {
                return false;
            }

            var targets = _source.Additional;
            while (_next < targets.Length * 2)
            {
                var target = targets[_next / 2];
                var addresses = _snapshot.Resolve(_next % 2 == 0 ? target.A : target.Aaaa);
                _next++;

                // A failover set may answer nothing (NODATA) or SERVFAIL; neither belongs in Additional.
                if (addresses is { Count: > 0 })
                {
                    var owner = _source.RecordOffsets[target.RecordIndex] + target.NameOffset;
                    Current = new AnswerPlanEntry(DnsSection.Additional, addresses, _sourceEntry, owner, null, false);
                    return true;
                }
            }

            return false;
        }
    }
}
