using System.Diagnostics;
using FailoverDns.Testing;
using FluentAssertions;
using Xunit.Abstractions;

namespace FailoverDns.Protocol.Tests;

/// <summary>
/// Seeded random mutations of valid messages: parsing never throws, and whatever the strict parser
/// accepts survives a write and a second parse.
/// </summary>
public class MutationFuzzTests(ITestOutputHelper output)
{
    private const int Seed = 20240101;
    private const int Iterations = 100_000;

    [Fact]
    public void Parse_RandomMutations_NeverThrow()
    {
        byte[][] seeds =
        [
            TestMessages.RichResponse(),
            TestMessages.RichQuery(),
            TestMessages.EdnsQuery(),
            TestMessages.AssortedResponse(),
        ];
        var random = new Random(Seed);
        var name = new byte[DnsName.MaxLength];
        var writeBuffer = new byte[ushort.MaxValue];
        var accepted = 0;
        var stopwatch = Stopwatch.StartNew();

        for (var i = 0; i < Iterations; i++)
        {
            var input = Mutate(seeds[random.Next(seeds.Length)], random);
            try
            {
                var status = QueryParser.Parse(input, name, out var query);
                if (DnsMessage.TryParse(input, out var message))
                {
                    accepted++;
                    CheckAccepted(input, message!, status, query, name, writeBuffer);
                }
                else
                {
                    message.Should().BeNull();
                }
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                throw new InvalidOperationException($"iteration {i} threw on input {Convert.ToHexString(input)}", e);
            }
        }

        output.WriteLine($"{Iterations} mutants, {accepted} accepted by DnsMessage.TryParse, {stopwatch.ElapsedMilliseconds} ms");
        accepted.Should().BeGreaterThan(1000, "enough mutants stay valid to exercise the write path too");
    }

    [Fact]
    public void RDataCodecAndFormatter_RandomRData_NeverThrow()
    {
        RecordType[] types =
        [
            RecordType.A, RecordType.AAAA, RecordType.CNAME, RecordType.NS, RecordType.PTR, RecordType.MX,
            RecordType.SRV, RecordType.SOA, RecordType.TXT, RecordType.CAA, RecordType.OPT, (RecordType)999,
        ];
        var random = new Random(Seed);
        var destination = new byte[64 + (2 * DnsName.MaxLength)];

        for (var i = 0; i < 20_000; i++)
        {
            var rdata = new byte[random.Next(64)];
            random.NextBytes(rdata);
            if (rdata.Length > 0 && random.Next(2) == 0)
            {
                rdata[random.Next(rdata.Length)] = 0x00; // root labels and empty strings make structure likelier
            }

            var type = types[random.Next(types.Length)];
            var offset = random.Next(rdata.Length + 1);

            RDataCodec.TryRead(rdata, offset, rdata.Length - offset, type, destination, out _);
            RDataCodec.IsWellFormed(type, rdata);
            RDataFormatter.ToText(type, rdata).Should().NotBeNullOrEmpty();
        }
    }

    [Fact]
    public void DnsName_RandomValidNames_RoundTripThroughText()
    {
        var random = new Random(Seed);
        var parsed = new byte[DnsName.MaxLength];

        for (var i = 0; i < 10_000; i++)
        {
            var labels = new List<byte>();
            var budget = 1 + random.Next(DnsName.MaxLength - 1); // leave room for the root label
            while (true)
            {
                var length = 1 + random.Next(DnsName.MaxLabelLength);
                if (labels.Count + 1 + length > budget)
                {
                    break;
                }

                var label = new byte[length];
                random.NextBytes(label);
                labels.Add((byte)length);
                labels.AddRange(label);
            }

            byte[] name = [.. labels, 0x00];
            var text = DnsName.ToText(name);

            DnsName.TryParse(text, default, parsed, out var written, out var error).Should().BeTrue($"{text} ({error})");
            parsed[..written].Should().Equal(name, text);
            DnsName.TryRead(name, 0, parsed, out var consumed, out written).Should().BeTrue();
            consumed.Should().Be(name.Length);
        }
    }

    [Fact]
    public void DnsName_RandomText_NeverThrows()
    {
        const string Alphabet = @"ab.\0123456789\\..-*@éĀ";
        var random = new Random(Seed);
        var destination = new byte[DnsName.MaxLength];
        var origin = Wire.Name("example.test");

        for (var i = 0; i < 20_000; i++)
        {
            var text = new string([.. Enumerable.Range(0, random.Next(300)).Select(_ => Alphabet[random.Next(Alphabet.Length)])]);

            if (DnsName.TryParse(text, origin, destination, out var written, out var error))
            {
                error.Should().Be(NameParseError.None);
                DnsName.IsValid(destination.AsSpan(0, written)).Should().BeTrue(text);
            }
            else
            {
                error.Should().NotBe(NameParseError.None, text);
            }
        }
    }

    private static void CheckAccepted(byte[] input, DnsMessage message, QueryParseStatus status, ParsedQuery query, byte[] name, byte[] writeBuffer)
    {
        // The strict parser accepting a query means the query path accepts it too, with the same question.
        if (!message.Header.IsResponse && message.Questions.Count == 1)
        {
            status.Should().Be(QueryParseStatus.Ok, Convert.ToHexString(input));
            name[..query.NameLength].Should().Equal(message.Questions[0].Name);
            query.Type.Should().Be(message.Questions[0].Type);
            query.HasEdns.Should().Be(message.Edns is not null);
        }

        foreach (var record in message.Answers.Concat(message.Authorities).Concat(message.Additionals))
        {
            record.ToString().Should().NotBeNullOrEmpty();
        }

        message.TryWrite(writeBuffer, out var written).Should().BeTrue(Convert.ToHexString(input));
        DnsMessage.TryParse(writeBuffer.AsSpan(0, written), out var reparsed).Should().BeTrue(Convert.ToHexString(input));
        reparsed!.Answers.Should().HaveCount(message.Answers.Count);
        reparsed.Authorities.Should().HaveCount(message.Authorities.Count);
        reparsed.Additionals.Should().HaveCount(message.Additionals.Count);
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = new List<byte>(seed);
        var mutations = 1 + random.Next(4);
        for (var m = 0; m < mutations; m++)
        {
            var position = random.Next(bytes.Count + 1);
            switch (random.Next(7))
            {
                case 0: // flip one bit
                    if (position < bytes.Count)
                    {
                        bytes[position] ^= (byte)(1 << random.Next(8));
                    }

                    break;
                case 1: // overwrite a byte, favouring values that matter to the format
                    if (position < bytes.Count)
                    {
                        byte[] interesting = [0x00, 0x01, 0x3F, 0x40, 0x80, 0xC0, 0xFF, (byte)random.Next(256)];
                        bytes[position] = interesting[random.Next(interesting.Length)];
                    }

                    break;
                case 2: // truncate
                    bytes.RemoveRange(position, bytes.Count - position);
                    break;
                case 3: // insert random bytes
                    var insert = new byte[1 + random.Next(8)];
                    random.NextBytes(insert);
                    bytes.InsertRange(position, insert);
                    break;
                case 4: // duplicate a span
                    if (bytes.Count > 0)
                    {
                        var start = random.Next(bytes.Count);
                        var length = 1 + random.Next(Math.Min(32, bytes.Count - start));
                        bytes.InsertRange(random.Next(bytes.Count + 1), bytes.GetRange(start, length));
                    }

                    break;
                case 5: // delete a span
                    if (position < bytes.Count)
                    {
                        bytes.RemoveRange(position, 1 + random.Next(Math.Min(8, bytes.Count - position)));
                    }

                    break;
                default: // write a compression pointer to a random earlier or later offset
                    if (position + 1 < bytes.Count)
                    {
                        var target = random.Next(Math.Max(1, bytes.Count));
                        bytes[position] = (byte)(0xC0 | (target >> 8));
                        bytes[position + 1] = (byte)target;
                    }

                    break;
            }
        }

        return [.. bytes];
    }
}
