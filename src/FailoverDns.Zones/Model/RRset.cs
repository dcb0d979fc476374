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
    public RRset(RecordType type, uint ttl, IReadOnlyList<byte[]> data, int failoverSlot = -1, int soaSlot = -1)
    {
        FailoverSlot = failoverSlot;
        SoaSlot = soaSlot;
        Type = type;
        Ttl = ttl;
        Data = data;
        RecordOffsets = new int[data.Count];
        Wire = new byte[data.Sum(d => ResponseWriter.RecordHeaderSize + d.Length)];
        var position = 0;
        for (var i = 0; i < data.Count; i++)
        {
            RecordOffsets[i] = position;
            var record = Wire.AsSpan(position);
            BinaryPrimitives.WriteUInt16BigEndian(record, ResponseWriter.QuestionNamePointer);
            BinaryPrimitives.WriteUInt16BigEndian(record[2..], (ushort)type);
            BinaryPrimitives.WriteUInt16BigEndian(record[4..], (ushort)RecordClass.IN);
            BinaryPrimitives.WriteUInt32BigEndian(record[6..], ttl);
            BinaryPrimitives.WriteUInt16BigEndian(record[10..], (ushort)data[i].Length);
            data[i].CopyTo(record[ResponseWriter.RecordHeaderSize..]);
            position += ResponseWriter.RecordHeaderSize + data[i].Length;
        }
    }

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

    /// <summary>Each record's RDATA, uncompressed.</summary>
    public IReadOnlyList<byte[]> Data { get; }

    /// <summary>All records in wire form, owner = pointer to offset 12.</summary>
    public byte[] Wire { get; }

    /// <summary>Where each record starts in <see cref="Wire"/>.</summary>
    public int[] RecordOffsets { get; }

    /// <summary>Address records of in-zone targets of NS, MX and SRV records, for the additional section.</summary>
    public AdditionalTarget[] Additional { get; internal set; } = [];

    public int Count => RecordOffsets.Length;

    /// <summary>The name this CNAME points to (only meaningful for CNAME).</summary>
    public ReadOnlySpan<byte> CnameTarget => Data[0];
}
