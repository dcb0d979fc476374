using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FailoverDns.Protocol;
using FailoverDns.Server.Tests.Support;
using FluentAssertions;
using Xunit.Abstractions;

namespace FailoverDns.Server.Tests.Transport;

/// <summary>
/// Issue 12: fifty clients try to hold every TCP slot, and a fresh query (what a resolver sends after
/// a truncated UDP answer) must still be answered, all through the attack. How long each took is
/// written to the test output, not asserted: tests never assert wall-clock timings.
/// </summary>
public sealed class TcpDnsListenerAttackTests(ITestOutputHelper output)
{
    private const int Attackers = 50;
    /// <summary>Enough fresh queries, 100 ms apart, for the attack to outlast several of the 500 ms deadlines.</summary>
    private const int FreshQueries = 20;

    private static string Config(string server) => TestZone.Text.Replace("listen: [127.0.0.1:0]", $"listen: [127.0.0.1:0]\nserver: {server}", StringComparison.Ordinal);

    [Theory]
    [InlineData("trickle")]
    [InlineData("pipeline-never-read")]
    public async Task Serve_FiftyClientsHoldingEverySlot_EveryFreshQueryAnswered(string attack)
    {
        // Short deadlines keep the test fast; the attack lasts several of them.
        await using var server = await ServerFixture.StartAsync(Config("{ tcpMaxConnections: 50, tcpMessageTimeout: 500ms, tcpSendTimeout: 500ms, tcpIdleTimeout: 10s }"));
        using var stop = new CancellationTokenSource();
        var connections = new int[1];
        var attackers = Enumerable.Range(0, Attackers)
            .Select(i => Task.Run(() => AttackAsync(attack, server.TcpEndPoint, IPAddress.Parse($"127.0.0.{i + 2}"), connections, stop.Token)))
            .ToArray();
        await Poll.UntilAsync(() => Volatile.Read(ref connections[0]) >= Attackers, "every attacker connected");

        var slowest = TimeSpan.Zero;
        var took = new List<double>();
        var failures = new List<string>();
        var queries = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            for (; queries < FreshQueries; queries++)
            {
                var timer = Stopwatch.StartNew();
                try
                {
                    using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    var reply = await TcpExchange.QueryAsync(server.TcpEndPoint, "www.example.test", RecordType.A, deadline.Token);
                    reply.Answers.Should().ContainSingle();
                }
                catch (Exception e) when (e is SocketException or EndOfStreamException or OperationCanceledException)
                {
                    failures.Add($"query {queries} at {clock.Elapsed.TotalMilliseconds:F0} ms: {e.GetType().Name} {e.Message}");
                }

                slowest = timer.Elapsed > slowest ? timer.Elapsed : slowest;
                took.Add(timer.Elapsed.TotalMilliseconds);
                await Task.Delay(100);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(attackers).WaitAsync(TimeSpan.FromSeconds(10));
        }

        output.WriteLine($"{attack}: {queries} fresh queries in {clock.Elapsed.TotalSeconds:F1} s, median {took.Order().ElementAt(took.Count / 2):F1} ms, slowest {slowest.TotalMilliseconds:F1} ms, {failures.Count} failed; attackers opened {Volatile.Read(ref connections[0])} connections");
        failures.Should().BeEmpty();
        queries.Should().Be(FreshQueries);
        Volatile.Read(ref connections[0]).Should().BeGreaterThan(Attackers, "the server cut attackers off and they came back");
    }

    /// <summary>One attacker: holds a connection the way it was told, and opens another whenever the server closes it.</summary>
    private static async Task AttackAsync(string attack, IPEndPoint server, IPAddress source, int[] connections, CancellationToken stop)
    {
        for (var attempt = 0; attempt < 100_000 && !stop.IsCancellationRequested; attempt++)
        {
            try
            {
                using var socket = await TcpExchange.ConnectAsync(server, stop, source);
                Interlocked.Increment(ref connections[0]);
                await (attack == "trickle" ? TrickleAsync(socket, stop) : PipelineNeverReadAsync(socket, stop));
            }
            catch (SocketException)
            {
                // Closed by the server: come back at once, as an attacker would.
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>A length prefix announcing the largest message, then one byte every 100 ms.</summary>
    private static async Task TrickleAsync(Socket socket, CancellationToken stop)
    {
        await socket.SendAsync(new byte[] { 0xFF, 0xFF }, SocketFlags.None, stop);
        var one = new byte[1];
        for (var i = 0; i < ushort.MaxValue; i++)
        {
            await Task.Delay(100, stop);
            await socket.SendAsync(one, SocketFlags.None, stop);
        }
    }

    /// <summary>Queries for a large answer, pipelined as fast as the server takes them, and never a reply read.</summary>
    private static async Task PipelineNeverReadAsync(Socket socket, CancellationToken stop)
    {
        var query = TcpExchange.Frame(Queries.Build("big.example.test", RecordType.TXT));
        var batch = Enumerable.Repeat(query, 20).SelectMany(q => q).ToArray();
        for (var i = 0; i < 1_000_000; i++)
        {
            await socket.SendAsync(batch, SocketFlags.None, stop);
        }
    }
}
