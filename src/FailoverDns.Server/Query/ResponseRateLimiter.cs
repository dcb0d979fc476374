using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using FailoverDns.Configuration;

namespace FailoverDns.Server.Query;

/// <summary>
/// Response rate limiting (RRL) as BIND, Knot and NSD do it: a fixed table of token buckets keyed
/// by (client prefix, kind of response, name or zone, type), refilled by the rate each second; a
/// response finding its bucket empty is dropped, or every Nth one slipped out truncated. Called on
/// the UDP query path for every response, so it allocates nothing, takes no lock and never waits.
/// </summary>
/// <remarks>
/// <para>
/// One table shared by every worker thread, rather than one per thread: SO_REUSEPORT spreads
/// datagrams by the whole 4-tuple, so a spoofed flood with varying source ports reaches every
/// socket, and per-thread tables would let it through at the rate times the workers.
/// </para>
/// <para>
/// Each bucket is one 64-bit word (fingerprint, second stamp, balance), read and written whole
/// without a lock or an interlocked operation. A reader therefore never sees a torn bucket; the one
/// race is two threads updating the same bucket at once, where one update is lost: a few more
/// responses than the rate (at most one per racing worker each time), never fewer and never a
/// corrupt bucket. The table is lossy by design: a key whose bucket holds another key that was
/// used this second shares that key's budget (so colliding keys can never exceed the rate per
/// bucket per second together), and takes the bucket over once it has gone quiet.
/// </para>
/// </remarks>
public sealed class ResponseRateLimiter
{
    private const int BalanceBits = 24;
    private const int StampShift = BalanceBits;
    private const int FingerprintShift = BalanceBits + 16;
    private const ulong BalanceMask = (1UL << BalanceBits) - 1;
    private const ulong StampMask = 0xFFFF;

    private readonly ulong[] _buckets;
    private readonly int _indexMask;
    private readonly int _rate;
    private readonly int _window;
    private readonly int _debtLimit;
    private readonly uint _slip;
    private readonly UInt128 _ipv4Mask;
    private readonly UInt128 _ipv6Mask;
    private readonly WhitelistEntry[] _whitelist;
    private readonly ulong _seed;
    private readonly TimeProvider? _clock;

    // Counts this thread's limited responses, to slip every Nth: per thread, so no shared write.
    [ThreadStatic]
    private static uint _limitedOnThread;

    /// <param name="options">The limits; <see cref="RateLimitOptions.ResponsesPerSecond"/> must be positive.</param>
    /// <param name="clock">Tests step it; null reads the coarse monotonic clock, a few nanoseconds cheaper than a <see cref="TimeProvider"/>.</param>
    /// <param name="seed">Tests fix it, so whether two keys share a bucket is the same every run; null draws a secret one.</param>
    public ResponseRateLimiter(RateLimitOptions options, TimeProvider? clock = null, ulong? seed = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ResponsesPerSecond, 1);
        _buckets = new ulong[(int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(options.TableSize, 1))];
        _indexMask = _buckets.Length - 1;
        _rate = options.ResponsesPerSecond;
        _window = Math.Max(options.Window, 1);
        _debtLimit = _rate * (_window - 1);
        _slip = (uint)options.Slip;
        _ipv4Mask = Mask(options.Ipv4PrefixLength, 32);
        _ipv6Mask = Mask(options.Ipv6PrefixLength, 128);
        _whitelist = [.. options.Whitelist.Select(WhitelistEntry.From)];

        // A secret seed, so nobody outside can aim keys at one bucket.
        _seed = seed ?? BinaryPrimitives.ReadUInt64LittleEndian(RandomNumberGenerator.GetBytes(sizeof(ulong)));
        _clock = clock;
    }

    /// <summary>The limiter the options ask for, or null when rate limiting is off (the query path then tests one reference).</summary>
    public static ResponseRateLimiter? Create(RateLimitOptions options) => options.Enabled ? new ResponseRateLimiter(options) : null;

    public int TableSize => _buckets.Length;

    /// <summary>
    /// Charges one response to <paramref name="peer"/> (a sockaddr as the kernel fills it in) and
    /// says whether to send it. <paramref name="name"/> is the question name for answers and NODATA
    /// (any case), the zone's lowercased origin for the other kinds.
    /// </summary>
    public RateLimitVerdict Check(ReadOnlySpan<byte> peer, ResponseKind kind, ReadOnlySpan<byte> name, ushort type)
    {
        if (!TryReadAddress(peer, out var address, out var v6) || IsWhitelisted(address, v6))
        {
            return RateLimitVerdict.Send;
        }

        var prefix = address & (v6 ? _ipv6Mask : _ipv4Mask);
        var hash = Hash(prefix, v6, kind, kind == ResponseKind.Answer ? type : (ushort)0, name);
        return Charge(ref _buckets[(int)hash & _indexMask], hash >> FingerprintShift);
    }

    private RateLimitVerdict Charge(ref ulong bucket, ulong fingerprint)
    {
        var now = (ulong)NowSeconds() & StampMask;
        var word = Volatile.Read(ref bucket);
        var elapsed = (int)((now - (word >> StampShift)) & StampMask);
        int balance;
        if (word >> FingerprintShift == fingerprint)
        {
            balance = Balance(word);
            if (elapsed > 0)
            {
                balance = Math.Min(balance + (Math.Min(elapsed, _window) * _rate), _rate);
            }
        }
        else if (elapsed > 0 || word == 0)
        {
            // Unused, or its key went quiet: this key takes the bucket.
            balance = _rate;
        }
        else
        {
            // Another key used it this second: the two share its budget until one goes quiet.
            fingerprint = word >> FingerprintShift;
            balance = Balance(word);
        }

        var send = balance > 0;

        // Limited responses are charged too (down to the window's debt), so a flood stays limited
        // until it slows below the rate, not just for the rest of each second (as BIND's window).
        balance = Math.Max(balance - 1, -_debtLimit);
        Volatile.Write(ref bucket, (fingerprint << FingerprintShift) | (now << StampShift) | ((ulong)(uint)balance & BalanceMask));
        if (send)
        {
            return RateLimitVerdict.Send;
        }

        return _slip != 0 && ++_limitedOnThread % _slip == 0 ? RateLimitVerdict.Slip : RateLimitVerdict.Drop;
    }

    private long NowSeconds() => _clock is null ? Environment.TickCount64 / 1000 : _clock.GetTimestamp() / _clock.TimestampFrequency;

    private static int Balance(ulong word) => (int)((long)(word << (64 - BalanceBits)) >> (64 - BalanceBits));

    private bool IsWhitelisted(UInt128 address, bool v6)
    {
        foreach (ref readonly var entry in _whitelist.AsSpan())
        {
            if (entry.V6 == v6 && (address & entry.Mask) == entry.Network)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The address in a sockaddr_in or sockaddr_in6 (at offset 4 and 8 on every platform); a v4-mapped IPv6 address as IPv4.</summary>
    private static bool TryReadAddress(ReadOnlySpan<byte> sockaddr, out UInt128 address, out bool v6)
    {
        if (sockaddr.Length >= 24)
        {
            address = BinaryPrimitives.ReadUInt128BigEndian(sockaddr[8..]);
            v6 = address >> 32 != 0xFFFF;
            if (!v6)
            {
                address &= uint.MaxValue;
            }

            return true;
        }

        if (sockaddr.Length >= 8)
        {
            address = BinaryPrimitives.ReadUInt32BigEndian(sockaddr[4..]);
            v6 = false;
            return true;
        }

        address = default;
        v6 = false;
        return false;
    }

    private ulong Hash(UInt128 prefix, bool v6, ResponseKind kind, ushort type, ReadOnlySpan<byte> name)
    {
        var h = _seed;
        h = Mix(h, (ulong)(prefix >> 64));
        h = Mix(h, (ulong)prefix);
        h = Mix(h, ((ulong)name.Length << 32) | ((ulong)kind << 24) | (v6 ? 1UL << 16 : 0) | type);
        var words = MemoryMarshal.Cast<byte, ulong>(name);
        foreach (var word in words)
        {
            h = Mix(h, ToLowerAscii(word));
        }

        var rest = name[(words.Length * sizeof(ulong))..];
        if (!rest.IsEmpty)
        {
            var tail = 0UL;
            rest.CopyTo(MemoryMarshal.AsBytes(new Span<ulong>(ref tail)));
            h = Mix(h, ToLowerAscii(tail));
        }

        // A final avalanche, so the low bits (the index) depend on every input bit.
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCD;
        h ^= h >> 33;
        h *= 0xC4CEB9FE1A85EC53;
        return h ^ (h >> 33);
    }

    private static ulong Mix(ulong h, ulong value) => BitOperations.RotateLeft((h ^ value) * 0x9E3779B97F4A7C15, 29);

    /// <summary>Names match case-insensitively in ASCII only (RFC 4343): 'A'-'Z' become 'a'-'z' in all eight bytes at once, other bytes are kept.</summary>
    private static ulong ToLowerAscii(ulong bytes)
    {
        const ulong Ones = 0x0101010101010101;
        var low7 = bytes & (0x7F * Ones);
        var atLeastA = low7 + ((0x80 - 'A') * Ones);
        var pastZ = low7 + ((0x80 - 'Z' - 1) * Ones);
        var upper = atLeastA & ~pastZ & ~bytes & (0x80 * Ones);
        return bytes | (upper >> 2);
    }

    /// <summary>The top <paramref name="length"/> bits of a <paramref name="width"/>-bit address.</summary>
    private static UInt128 Mask(int length, int width) =>
        length <= 0 ? UInt128.Zero : (UInt128.MaxValue << (128 - Math.Min(length, width))) >> (128 - width);

    private readonly record struct WhitelistEntry(bool V6, UInt128 Network, UInt128 Mask)
    {
        public static WhitelistEntry From(IPNetwork network)
        {
            var v6 = network.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6;
            var bytes = network.BaseAddress.GetAddressBytes();
            var address = v6 ? BinaryPrimitives.ReadUInt128BigEndian(bytes) : BinaryPrimitives.ReadUInt32BigEndian(bytes);
            var mask = ResponseRateLimiter.Mask(network.PrefixLength, v6 ? 128 : 32);
            return new WhitelistEntry(v6, address & mask, mask);
        }
    }
}
