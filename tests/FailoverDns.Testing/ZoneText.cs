using FailoverDns.Protocol;
using FailoverDns.Zones;
using FailoverDns.Zones.Lookup;
using FailoverDns.Zones.Model;
using FailoverDns.Zones.Text;
using FluentAssertions;

namespace FailoverDns.Testing;

/// <summary>Builds snapshots from master-file text and prints RRsets in presentation format.</summary>
public static class ZoneText
{
    public static byte[] Name(string text) => DnsName.Parse(text) ?? throw new ArgumentException($"bad name '{text}'", nameof(text));

    /// <summary>Parses one zone per (origin, text) pair and builds a snapshot, failing the test on any error.</summary>
    public static ZoneSnapshot Build(params (string Origin, string Text)[] zones)
    {
        var errors = new List<ConfigError>();
        var snapshot = ZoneSnapshotBuilder.Build(Definitions(errors, zones), errors);
        if (errors.Count > 0 || snapshot is null)
        {
            throw new InvalidOperationException("the test zone does not build:\n" + string.Join("\n", errors));
        }

        return snapshot;
    }

    /// <summary>Parses and builds, returning the errors (for tests of the builder's validation).</summary>
    public static List<string> BuildErrors(params (string Origin, string Text)[] zones)
    {
        var errors = new List<ConfigError>();
        var definitions = Definitions(errors, zones);
        errors.Should().BeEmpty("the test zone text itself must parse");
        var snapshot = ZoneSnapshotBuilder.Build(definitions, errors);
        if (errors.Count > 0)
        {
            snapshot.Should().BeNull("a snapshot is only built from valid zones");
        }

        return errors.Select(e => e.ToString()).ToList();
    }

    public static List<ZoneDefinition> Definitions(List<ConfigError> errors, params (string Origin, string Text)[] zones)
    {
        var definitions = new List<ZoneDefinition>();
        foreach (var (origin, text) in zones)
        {
            // Lowercase, as ConfigLoader makes it: the builder relies on that.
            var originName = DnsName.ToLower(Name(origin));
            var file = origin + "zone";
            var records = ZoneFileParser.ParseText(text, file, originName, 3600, errors);
            definitions.Add(new ZoneDefinition(originName, records, new SourceLocation(file, 1, 1)));
        }

        return definitions;
    }

    /// <summary>
    /// Every record of <paramref name="plan"/> as <c>Section owner ttl IN TYPE data</c>, in the order
    /// of the reply, each owner read where the plan points it: into the question or an earlier entry.
    /// </summary>
    public static string[] Format(byte[] question, in AnswerPlan plan)
    {
        var entries = plan.Entries.ToArray();
        var lines = new List<string>();
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i].Section.Should().NotBe(DnsSection.Additional);
            lines.AddRange(Format(entries.AsSpan(0, i), question, entries[i]));
        }

        for (var i = 0; i < plan.ProofCount; i++)
        {
            lines.AddRange(Format(entries, question, new AnswerPlanEntry(DnsSection.Authority, plan.Proof(i), AnswerPlanEntry.Question, 0, null, false)));
        }

        foreach (var entry in plan.Additional)
        {
            entry.Section.Should().Be(DnsSection.Additional);
            lines.AddRange(Format(entries, question, entry));
        }

        return [.. lines];
    }

    /// <summary>The records of <paramref name="entry"/>, whose owner lies in the question or in one of <paramref name="earlier"/>.</summary>
    private static string[] Format(ReadOnlySpan<AnswerPlanEntry> earlier, byte[] question, AnswerPlanEntry entry) =>
        [.. Format(OwnerOf(earlier, question, entry), entry.RRset).Select(line => $"{entry.Section} {line}")];

    /// <summary>
    /// Where <paramref name="entry"/>'s owner lies, read as a reply would have it: a name in an earlier
    /// entry's RDATA may end in a pointer to that entry's own owner (<see cref="RRset.Compressed"/>).
    /// </summary>
    private static byte[] OwnerOf(ReadOnlySpan<AnswerPlanEntry> earlier, byte[] question, AnswerPlanEntry entry)
    {
        entry.OwnerEntry.Should().BeInRange(AnswerPlanEntry.Question, earlier.Length - 1, "an owner lies in the question or in an entry before it");
        var (source, offset) = entry.RRset.OwnerInWire ? (entry.RRset.Wire, 0)
            : (entry.OwnerEntry == AnswerPlanEntry.Question ? question : earlier[entry.OwnerEntry].RRset.Wire, entry.OwnerOffset);
        var labels = new List<byte>();
        while (source[offset] is not 0 and < 0xC0)
        {
            labels.AddRange(source.AsSpan(offset, 1 + source[offset]));
            offset += 1 + source[offset];
        }

        if (source[offset] == 0)
        {
            return [.. labels, 0];
        }

        entry.OwnerEntry.Should().NotBe(AnswerPlanEntry.Question, "the owner offset {0} must point at a name", offset);
        return [.. labels, .. OwnerOf(earlier, question, earlier[entry.OwnerEntry])];
    }

    /// <summary>Each record of <paramref name="rrset"/> as <c>owner ttl IN TYPE data</c>.</summary>
    public static string[] Format(ReadOnlySpan<byte> owner, RRset? rrset)
    {
        if (rrset is null)
        {
            return [];
        }

        var ownerText = DnsName.ToText(owner);
        return rrset.Data
            .Select(d => FormattableString.Invariant($"{ownerText} {rrset.Ttl} IN {RecordTypeNames.ToName(rrset.Type)} {RDataFormatter.ToText(rrset.Type, d)}"))
            .ToArray();
    }
}
