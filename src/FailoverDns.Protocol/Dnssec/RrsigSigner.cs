using System.Buffers.Binary;

namespace FailoverDns.Protocol.Dnssec;

/// <summary>
/// Makes the RRSIG of one RRset (RFC 4034 §3, RFC 4035 §2.2): the RRSIG RDATA without its signature,
/// then every record in canonical form (RFC 4034 §6.2, lowercase owner and embedded names, RDATA in
/// canonical order), signed with the key. The original TTL is what is signed, so the same signature
/// holds for the RRset served with a lower TTL (RFC 4035 §5.3.3).
/// </summary>
public static class RrsigSigner
{
    /// <summary>The RRSIG fields before the signer's name: type covered, algorithm, labels, original TTL, expiration, inception, key tag.</summary>
    private const int FixedSize = 18;

    /// <summary>The RRSIG RDATA for the RRset <paramref name="owner"/>/<paramref name="type"/> of <paramref name="rdata"/>.</summary>
    /// <param name="key">The zone key that signs.</param>
    /// <param name="owner">The owner, uncompressed; a wildcard owner (<c>*.example.</c>) is signed as it is, with one label fewer counted.</param>
    /// <param name="type">The type covered.</param>
    /// <param name="originalTtl">The RRset's TTL as configured.</param>
    /// <param name="rdata">Each record's RDATA, uncompressed.</param>
    /// <param name="signer">The zone's origin, uncompressed.</param>
    /// <param name="inception">Seconds since the epoch from which the signature holds.</param>
    /// <param name="expiration">Seconds since the epoch until which it holds.</param>
    public static byte[] Sign(SigningKey key, ReadOnlySpan<byte> owner, RecordType type, uint originalTtl, IReadOnlyList<byte[]> rdata, ReadOnlySpan<byte> signer, uint inception, uint expiration)
    {
        var signerName = DnsName.ToLower(signer);
        var header = new byte[FixedSize + signerName.Length];
        BinaryPrimitives.WriteUInt16BigEndian(header, (ushort)type);
        header[2] = (byte)key.Algorithm;
        header[3] = (byte)Labels(owner);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), originalTtl);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(8), expiration);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(12), inception);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(16), key.KeyTag);
        signerName.CopyTo(header, FixedSize);

        var signature = key.Sign(SignedData(header, owner, type, originalTtl, rdata));
        return [.. header, .. signature];
    }

    /// <summary>What an RRSIG's signature covers: its RDATA up to the signature, then the RRset in canonical form and order.</summary>
    public static byte[] SignedData(ReadOnlySpan<byte> rrsigHeader, ReadOnlySpan<byte> owner, RecordType type, uint originalTtl, IReadOnlyList<byte[]> rdata)
    {
        var lowerOwner = DnsName.ToLower(owner);
        var canonical = rdata.Select(d => Canonical(type, d)).Distinct(ByteArrayComparer.Instance).ToList();
        canonical.Sort(static (a, b) => a.AsSpan().SequenceCompareTo(b));
        var buffer = new List<byte>(rrsigHeader.Length + canonical.Sum(d => lowerOwner.Length + 10 + d.Length));
        buffer.AddRange(rrsigHeader);
        Span<byte> fields = stackalloc byte[10];
        foreach (var data in canonical)
        {
            buffer.AddRange(lowerOwner);
            BinaryPrimitives.WriteUInt16BigEndian(fields, (ushort)type);
            BinaryPrimitives.WriteUInt16BigEndian(fields[2..], (ushort)RecordClass.IN);
            BinaryPrimitives.WriteUInt32BigEndian(fields[4..], originalTtl);
            BinaryPrimitives.WriteUInt16BigEndian(fields[8..], (ushort)data.Length);
            buffer.AddRange(fields);
            buffer.AddRange(data);
        }

        return [.. buffer];
    }

    /// <summary>The RRSIG labels field: the owner's labels, without a leading <c>*</c> (RFC 4034 §3.1.3).</summary>
    public static int Labels(ReadOnlySpan<byte> owner)
    {
        var labels = DnsName.CountLabels(owner);
        return owner.Length > 1 && owner[0] == 1 && owner[1] == '*' ? labels - 1 : labels;
    }

    /// <summary>
    /// RDATA with the names the canonical form lowercases (RFC 4034 §6.2, as amended by RFC 6840 §5.1)
    /// in lowercase: those in NS, CNAME, PTR, MX, SRV and SOA, the types zone data here may hold.
    /// </summary>
    public static byte[] Canonical(RecordType type, byte[] rdata)
    {
        switch (type)
        {
            case RecordType.NS or RecordType.CNAME or RecordType.PTR or RecordType.MX or RecordType.SRV:
                var copy = rdata.ToArray();
                DnsName.ToLowerInPlace(copy.AsSpan(RDataCodec.TargetNameOffset(type)));
                return copy;
            case RecordType.SOA:
                var soa = rdata.ToArray();
                DnsName.ToLowerInPlace(soa.AsSpan(0, soa.Length - 20));
                return soa;
            default:
                return rdata;
        }
    }

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>
    {
        public static readonly ByteArrayComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj)
        {
            var hash = new HashCode();
            hash.AddBytes(obj);
            return hash.ToHashCode();
        }
    }
}
