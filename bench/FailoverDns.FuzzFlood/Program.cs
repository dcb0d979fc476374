using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace FailoverDns.FuzzFlood;

/// <summary>
/// Floods a DNS server on loopback with mutated and random datagrams and, every so often, asks a
/// valid question from another socket: every valid question must get the same reply (but its ID)
/// as before the flood. Usage: <c>FuzzFlood HOST:PORT [COUNT] [VALID_EVERY] [RATE] [SEED] [MAX_SECONDS]</c>.
/// Exit 0 when every valid question was answered correctly and the server still answers.
/// </summary>
public static class Program
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(2);

    public static int Main(string[] args)
    {
        if (args.Length < 1 || !IPEndPoint.TryParse(args[0], out var server) || !IPAddress.IsLoopback(server.Address))
        {
            Console.Error.WriteLine("usage: FuzzFlood 127.0.0.1:PORT [COUNT=10000000] [VALID_EVERY=1000] [RATE=100000] [SEED=1] [MAX_SECONDS=1800] (loopback only)");
            return 2;
        }

        var count = args.Length > 1 ? long.Parse(args[1], CultureInfo.InvariantCulture) : 10_000_000;
        var validEvery = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1000;
        var rate = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 100_000;
        var seed = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 1;
        var limit = TimeSpan.FromSeconds(args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 1800);

        using var fuzz = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { Blocking = false };
        using var valid = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = (int)ReplyTimeout.TotalMilliseconds };
        fuzz.Connect(server);
        valid.Connect(server);

        var questions = Questions.All;
        var expected = new byte[questions.Length][];
        for (var i = 0; i < questions.Length; i++)
        {
            expected[i] = Ask(valid, questions[i], 1) ?? throw new InvalidOperationException($"no reply to valid question {i} before the flood");
        }

        var random = new Random(seed);
        var mutator = new Mutator(random, questions);
        var datagram = new byte[1024];
        var sink = new byte[65535];
        long sent = 0, asked = 0, wrong = 0, lost = 0, retried = 0;
        ushort id = 2;
        var clock = Stopwatch.StartNew();
        for (; sent < count && clock.Elapsed < limit; sent++)
        {
            var length = mutator.Next(datagram);
            try
            {
                fuzz.Send(datagram.AsSpan(0, length));
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.NoBufferSpaceAvailable or SocketError.ConnectionRefused)
            {
                // A full buffer, or an ICMP error from an earlier datagram: the flood goes on.
            }

            // Paced, so the kernel's receive buffer, not the server, is not what drops the valid questions.
            if (sent % 1000 == 0)
            {
                while (clock.Elapsed.TotalSeconds < (double)sent / rate)
                {
                    Thread.Sleep(1);
                }
            }

            // Replies to the fuzz are read and dropped so the socket's buffer never fills.
            while (fuzz.Available > 0)
            {
                try
                {
                    fuzz.Receive(sink);
                }
                catch (SocketException)
                {
                    break;
                }
            }

            if (sent % validEvery == 0)
            {
                var which = (int)(asked++ % questions.Length);
                byte[]? reply = null;

                // Like a resolver, ask again when no reply came: a datagram can be lost on a full socket.
                for (var attempt = 0; attempt < 3 && reply is null; attempt++)
                {
                    retried += attempt > 0 ? 1 : 0;
                    reply = Ask(valid, questions[which], id = (ushort)(id == ushort.MaxValue ? 2 : id + 1));
                }

                if (reply is null)
                {
                    lost++;
                }
                else if (!SameButId(reply, expected[which]))
                {
                    wrong++;
                }
            }
        }

        var alive = Ask(valid, questions[0], 7) is { } last && SameButId(last, expected[0]);
        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fuzzed {sent} datagrams in {seconds:F0} s ({sent / seconds:F0}/s); valid questions {asked}: {asked - wrong - lost} answered correctly ({retried} asked again), {wrong} wrong, {lost} lost; server answering at the end: {(alive ? "yes" : "NO")}"));
        return wrong == 0 && lost == 0 && alive && sent == count ? 0 : 1;
    }

    /// <summary>Sends a valid question with <paramref name="id"/> and waits for its reply; null when none came in time.</summary>
    private static byte[]? Ask(Socket socket, byte[] question, ushort id)
    {
        BinaryPrimitives.WriteUInt16BigEndian(question, id);
        socket.Send(question);
        var buffer = new byte[65535];
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < ReplyTimeout)
        {
            int length;
            try
            {
                length = socket.Receive(buffer);
            }
            catch (SocketException)
            {
                return null;
            }

            // A late reply to an earlier question that timed out is skipped.
            if (length >= 2 && BinaryPrimitives.ReadUInt16BigEndian(buffer) == id)
            {
                return buffer[..length];
            }
        }

        return null;
    }

    private static bool SameButId(byte[] reply, byte[] expected) =>
        reply.Length == expected.Length && reply.AsSpan(2).SequenceEqual(expected.AsSpan(2));
}
