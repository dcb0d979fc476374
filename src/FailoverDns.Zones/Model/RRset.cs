using System.Buffers.Binary;
using FailoverDns.Protocol;

namespace FailoverDns.Zones.Model;

/// <summary>
/// The records of one owner and type, pre-encoded for the answer path: every record starts with the
/// owner as a compression pointer to the question name (offset 12), which <see cref="ResponseWriter"/>
/// patches when the owner lies elsewhere in the reply.
/// </summary>
public sealed class RRset
{
    /// <param name="type">The records' type.</param>
    /// <param name="ttl">The TTL served.</param>
    /// <param name="data">Each record's RDATA, uncompressed.</param>
    /// <param name="failoverSlot">For a failover set's placeholder: its slot.</param>
    /// <param name="soaSlot">For a zone's SOA placeholder: its slot.</param>
    /// <param name="owner">
    /// The owner spelled out in each record instead of a pointer to the question: for records that are
    /// never at the question name, as an NSEC that proves a name absent.
    /// </param>
    public RRset(RecordType type, uint ttl, IReadOnlyList<byte[]> data, int failoverSlot = -1, int soaSlot = -1, byte[]? owner = null)
        : this(type, ttl, data, [.. data.Select(d => (d, Array.Empty<int>()))], failoverSlot, soaSlot, owner)
    {
    }

    private RRset(RecordType type, uint ttl, IReadOnlyList<byte[]> data, (byte[] Bytes, int[] OwnerPointers)[] encoded, int failoverSlot, int soaSlot, byte[]? owner)
    {
        FailoverSlot = failoverSlot;
        SoaSlot = soaSlot;
        Type = type;
        Ttl = ttl;
        Data = data;
        OwnerInWire = owner is not null;
        var ownerField = owner ?? QuestionPointer;
        RecordOffsets = new int[data.Count];
        Wire = new byte[encoded.Sum(d => ownerField.Length + ResponseWriter.RecordHeaderSize - 2 + d.Bytes.Length)];
        var pointers = new List<int>();
        var position = 0;
        for (var i = 0; i < encoded.Length; i++)
        {
            RecordOffsets[i] = position;
            var record = Wire.AsSpan(position);
            ownerField.CopyTo(record);
            record = record[(ownerField.Length - 2)..];
            BinaryPrimitives.WriteUInt16BigEndian(record[2..], (ushort)type);
            BinaryPrimitives.WriteUInt16BigEndian(record[4..], (ushort)RecordClass.IN);
            BinaryPrimitives.WriteUInt32BigEndian(record[6..], ttl);
            BinaryPrimitives.WriteUInt16BigEndian(record[10..], (ushort)encoded[i].Bytes.Length);
            encoded[i].Bytes.CopyTo(record[ResponseWriter.RecordHeaderSize..]);
            var rdataStart = position + ownerField.Length - 2 + ResponseWriter.RecordHeaderSize;
            pointers.AddRange(encoded[i].OwnerPointers.Select(p => rdataStart + p));
            position = rdataStart + encoded[i].Bytes.Length;
        }

        OwnerPointersInData = [.. pointers];
    }

    /// <summary>
    /// An RRset whose RDATA names (an NS's or MX's target, a SOA's MNAME and RNAME) end in a pointer to
    /// the owner where they lie at or below it (RFC 1035 §4.1.4, as Knot and NSD compress them); the
    /// writer moves those pointers with the owner's. Not for a wildcard's records, whose owner in a reply
    /// is the name asked. <see cref="Data"/> stays uncompressed.
    /// </summary>
    public static RRset Compressed(RecordType type, uint ttl, IReadOnlyList<byte[]> data, ReadOnlySpan<byte> owner, int soaSlot = -1)
    {
        var encoded = new (byte[] Bytes, int[] OwnerPointers)[data.Count];
        for (var i = 0; i < data.Count; i++)
        {
            encoded[i] = Compress(type, data[i], owner);
        }

        return new RRset(type, ttl, data, encoded, failoverSlot: -1, soaSlot, owner: null);
    }

    private static (byte[] Bytes, int[] OwnerPointers) Compress(RecordType type, byte[] rdata, ReadOnlySpan<byte> owner)
    {
        // Where the names lie, and how many: a SOA's MNAME and RNAME come first.
        var (position, names) = type switch
        {
            RecordType.SOA => (0, 2),
            RecordType.NS or RecordType.MX => (RDataCodec.TargetNameOffset(type), 1),
            _ => (0, 0),
        };
        var bytes = new List<byte>(rdata.Length);
        bytes.AddRange(rdata.AsSpan(0, position));
        var pointers = new List<int>();
        for (var n = 0; n < names; n++)
        {
            var name = rdata.AsSpan(position, DnsName.MeasureUncompressed(rdata.AsSpan(position)));
            position += name.Length;
            if (owner.Length > 2 && DnsName.IsAtOrBelow(name, owner))
            {
                bytes.AddRange(name[..^owner.Length]);
                pointers.Add(bytes.Count);
                bytes.AddRange(QuestionPointer);
            }
            else
            {
                bytes.AddRange(name);
            }
        }

        bytes.AddRange(rdata.AsSpan(position));
        return ([.. bytes], [.. pointers]);
    }

    private static readonly byte[] QuestionPointer = [ResponseWriter.QuestionNamePointer >> 8, ResponseWriter.QuestionNamePointer & 0xFF];

    /// <summary>Stands for "answer SERVFAIL" where a failover set's policy says so.</summary>
    public static RRset ServFail { get; } = new(0, 0, []);

    public RecordType Type { get; }

    /// <summary>
    /// For a failover set's placeholder in a node: the slot whose active answer the snapshot holds
    /// (<see cref="ZoneSnapshot.Resolve"/>); -1 for ordinary RRsets.
    /// </summary>
    public int FailoverSlot { get; }

    /// <summary>
    /// For a zone's SOA (and its negative-answer form): the slot whose served SOA the snapshot holds,
    /// since a zone whose serial follows what it serves changes it without a reload; -1 otherwise.
    /// </summary>
    public int SoaSlot { get; }

    public uint Ttl { get; }

    /// <summary>True when each record spells its owner out (<c>owner</c> given): the writer leaves it as it is.</summary>
    public bool OwnerInWire { get; }

    /// <summary>In a signed zone: the slot whose RRSIGs the snapshot holds (<see cref="ZoneSnapshot.Signatures"/>); -1 when unsigned.</summary>
    public int SignatureSlot { get; internal set; } = -1;

    /// <summary>Each record's RDATA, uncompressed.</summary>
    public IReadOnlyList<byte[]> Data { get; }

    /// <summary>All records in wire form, owner = pointer to offset 12.</summary>
    public byte[] Wire { get; }

    /// <summary>Where each record starts in <see cref="Wire"/>.</summary>
    public int[] RecordOffsets { get; }

    /// <summary>Where in <see cref="Wire"/> RDATA names end in a pointer to the owner (<see cref="Compressed"/>), placed like each record's owner.</summary>
    public int[] OwnerPointersInData { get; }

    /// <summary>Address records of in-zone targets of NS, MX and SRV records, for the additional section.</summary>
    public AdditionalTarget[] Additional { get; internal set; } = [];

    public int Count => RecordOffsets.Length;

    /// <summary>The name this CNAME points to (only meaningful for CNAME).</summary>
    public ReadOnlySpan<byte> CnameTarget => Data[0];
}
