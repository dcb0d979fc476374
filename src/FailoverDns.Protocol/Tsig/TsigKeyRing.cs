namespace FailoverDns.Protocol.Tsig;

/// <summary>The keys a server or client knows, found by name (case-insensitively, RFC 4343).</summary>
public sealed class TsigKeyRing
{
    private readonly TsigKey[] _keys;

    public TsigKeyRing(IEnumerable<TsigKey> keys)
    {
        _keys = [.. keys];
        for (var i = 0; i < _keys.Length; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (DnsName.EqualsIgnoreCase(_keys[i].Name, _keys[j].Name))
                {
                    throw new ArgumentException($"Two keys are named {DnsName.ToText(_keys[i].Name)}.", nameof(keys));
                }
            }
        }
    }

    public IReadOnlyList<TsigKey> Keys => _keys;

    // A handful of keys at most: a linear scan beats hashing a name.
    public TsigKey? Find(ReadOnlySpan<byte> name)
    {
        foreach (var key in _keys)
        {
            if (DnsName.EqualsIgnoreCase(key.Name, name))
            {
                return key;
            }
        }

        return null;
    }
}
