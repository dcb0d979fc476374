namespace FailoverDns.FuzzFlood;

/// <summary>
/// Makes hostile datagrams: valid questions with bits flipped, bytes overwritten, cut short or
/// padded, headers with absurd counts, compression pointers that loop or point forward, and
/// random bytes of random length.
/// </summary>
internal sealed class Mutator(Random random, byte[][] seeds)
{
    public int Next(Span<byte> datagram)
    {
        var seed = seeds[random.Next(seeds.Length)];
        switch (random.Next(6))
        {
            case 0:
                {
                    var length = random.Next(0, datagram.Length);
                    random.NextBytes(datagram[..length]);
                    return length;
                }

            case 1:
                {
                    seed.CopyTo(datagram);
                    for (var flips = random.Next(1, 8); flips > 0; flips--)
                    {
                        datagram[random.Next(seed.Length)] ^= (byte)(1 << random.Next(8));
                    }

                    return seed.Length;
                }

            case 2:
                seed.CopyTo(datagram);
                return random.Next(0, seed.Length);

            case 3:
                {
                    seed.CopyTo(datagram);
                    var extra = random.Next(1, datagram.Length - seed.Length);
                    random.NextBytes(datagram.Slice(seed.Length, extra));
                    return seed.Length + extra;
                }

            case 4:
                {
                    // Absurd section counts, or QR/opcode bits set.
                    seed.CopyTo(datagram);
                    random.NextBytes(datagram.Slice(2, 10));
                    return seed.Length;
                }

            default:
                {
                    // The question name replaced by a compression pointer: to itself, forward, or past the end.
                    seed.CopyTo(datagram);
                    var target = random.Next(3) switch { 0 => 12, 1 => 14 + random.Next(20), _ => 0x3FFF };
                    datagram[12] = (byte)(0xC0 | (target >> 8));
                    datagram[13] = (byte)target;
                    return seed.Length;
                }
        }
    }
}
