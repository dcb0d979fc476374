namespace FailoverDns.Zones.Model;

/// <summary>
/// The address records of a name that record <see cref="RecordIndex"/> of an RRset points to;
/// <see cref="NameOffset"/> is where that name starts inside the pre-encoded record.
/// </summary>
public sealed record AdditionalTarget(int RecordIndex, int NameOffset, RRset? A, RRset? Aaaa);
