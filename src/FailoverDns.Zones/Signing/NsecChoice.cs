using FailoverDns.Zones.Model;

namespace FailoverDns.Zones.Signing;

/// <summary>
/// The NSEC of a name whose types change with what its failover sets serve: one pre-signed variant
/// for each combination of its NODATA-policy sets answering nothing, chosen by a bit mask, so that a
/// NODATA answer proves its type absent (RFC 4035 §3.1.3.1) without signing anything at the switch.
/// </summary>
internal sealed class NsecChoice(ZoneNode node, int[] setSlots, RRset[] variants)
{
    public ZoneNode Node { get; } = node;

    /// <summary>The NODATA-policy sets at the name, by failover slot; bit i of the mask is set while set i answers nothing.</summary>
    public int[] SetSlots { get; } = setSlots;

    /// <summary>The NSEC for each mask.</summary>
    public RRset[] Variants { get; } = variants;

    /// <summary>The NSEC to serve while the failover sets serve <paramref name="answers"/> (by slot).</summary>
    public RRset Choose(IReadOnlyList<RRset?> answers)
    {
        var mask = 0;
        for (var i = 0; i < SetSlots.Length; i++)
        {
            if (answers[SetSlots[i]] is null)
            {
                mask |= 1 << i;
            }
        }

        return Variants[mask];
    }
}
