using System.Threading.Channels;
using FailoverDns.Health.Checks;
using FailoverDns.Health.State;

namespace FailoverDns.Server.Cluster;

/// <summary>
/// The aggregation step in cluster mode (<see cref="IVerdictAggregator"/>): this location's verdicts
/// are kept here for <see cref="ClusterService"/> to publish, and none is acted on directly; the
/// state answers follow comes back from etcd, decided by the quorum rule over every live location.
/// Only while etcd has been out of reach past <c>cluster.ownVerdictsAfter</c> does this location act
/// on its own verdicts.
/// </summary>
public sealed class ClusterVerdicts(TimeProvider time) : IVerdictAggregator
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (CheckVerdict Verdict, LocationVerdict Published)> _own = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unpublished = new(StringComparer.Ordinal);
    private readonly Channel<bool> _doorbell = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private volatile bool _actOnOwn;

    /// <summary>True while this location acts on its own verdicts (etcd lost past <c>cluster.ownVerdictsAfter</c>).</summary>
    public bool ActingOnOwn => _actOnOwn;

    /// <summary>Rings when there is something to publish.</summary>
    public ChannelReader<bool> Changed => _doorbell.Reader;

    public IReadOnlyList<CheckVerdict> Aggregate(CheckVerdict local)
    {
        if (local.Status != HealthStatus.Unknown)
        {
            lock (_gate)
            {
                // Published when it changes, not at every probe: etcd hears of a check only when a location's view of it turns.
                if (!_own.TryGetValue(local.Check.Name, out var known) || known.Published.Status != local.Status.ToName() || known.Published.Judgement != local.Check.Judgement)
                {
                    _own[local.Check.Name] = (local, new LocationVerdict(local.Status.ToName(), local.Reason, time.GetUtcNow(), local.Check.Judgement));
                    _unpublished.Add(local.Check.Name);
                    _doorbell.Writer.TryWrite(true);
                }
                else
                {
                    _own[local.Check.Name] = known with { Verdict = local };
                }
            }
        }

        return _actOnOwn ? [local] : [];
    }

    /// <summary>This location's verdict on <paramref name="check"/>, as published (or to be).</summary>
    public LocationVerdict? Own(string check)
    {
        lock (_gate)
        {
            return _own.TryGetValue(check, out var own) ? own.Published : null;
        }
    }

    /// <summary>The checks whose verdict changed since the last call, with the verdict to publish (null: delete it).</summary>
    public IReadOnlyList<(string Check, LocationVerdict? Verdict)> TakeUnpublished()
    {
        lock (_gate)
        {
            var list = _unpublished.Select(c => (c, _own.TryGetValue(c, out var own) ? own.Published : null)).ToList();
            _unpublished.Clear();
            return list;
        }
    }

    /// <summary>After a new lease: every verdict is published again, since the old lease may have taken them with it.</summary>
    public void RepublishAll()
    {
        lock (_gate)
        {
            _unpublished.UnionWith(_own.Keys);
            _doorbell.Writer.TryWrite(true);
        }
    }

    /// <summary>A reload removed checks: their verdicts are taken back.</summary>
    public void Reconcile(IEnumerable<HealthCheckDefinition> definitions)
    {
        var probed = definitions.Where(d => d.IsProbed).Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var gone in _own.Keys.Where(c => !probed.Contains(c)).ToList())
            {
                _own.Remove(gone);
                _unpublished.Add(gone);
            }

            _doorbell.Writer.TryWrite(true);
        }
    }

    /// <summary>Starts or stops acting on this location's own verdicts; on starting, returns them all to apply at once.</summary>
    public IReadOnlyList<CheckVerdict> ActOnOwn(bool value)
    {
        _actOnOwn = value;
        lock (_gate)
        {
            return value ? [.. _own.Values.Select(o => o.Verdict)] : [];
        }
    }
}
