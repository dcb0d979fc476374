using System.Net;
using FailoverDns.Health.Checks;
using FailoverDns.Health.State;
using FailoverDns.Server.Cluster;
using FailoverDns.Server.Tests.Support;
using FailoverDns.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FailoverDns.Server.Tests.Cluster;

/// <summary>
/// Three FailoverDns instances in cluster mode on one etcd, each a probe location whose checks
/// probe from an address of its own (127.0.0.2, .3, .4), so that a test backend can refuse one
/// location alone. Each keeps its state file in a directory of the test's, so an instance can be
/// restarted with its file or without.
/// </summary>
internal sealed class ClusterInstances : IAsyncDisposable
{
    public const string Primary = "NOERROR | www.example.test. 30 IN A 10.0.0.1";
    public const string Secondary = "NOERROR | www.example.test. 30 IN A 10.0.1.1";

    private readonly ServerFixture?[] _servers = new ServerFixture?[3];
    private readonly TempDirectory _directory = new();
    private readonly string _endpoints;
    private readonly int _backendPort;
    private readonly string _clusterKeys;

    private ClusterInstances(string endpoints, int backendPort, string clusterKeys)
    {
        _endpoints = endpoints;
        _backendPort = backendPort;
        _clusterKeys = clusterKeys;
    }

    public static readonly string[] Locations = ["loc-a", "loc-b", "loc-c"];

    public ServerFixture this[int i] => _servers[i] ?? throw new InvalidOperationException($"instance {i} is stopped");

    public IEnumerable<ServerFixture> Running => _servers.OfType<ServerFixture>();

    /// <summary>The address the probes of instance <paramref name="i"/> come from.</summary>
    public static IPAddress Source(int i) => IPAddress.Parse($"127.0.0.{i + 2}");

    public static async Task<ClusterInstances> StartAsync(string endpoints, int backendPort, string clusterKeys = "")
    {
        var instances = new ClusterInstances(endpoints, backendPort, clusterKeys);
        try
        {
            for (var i = 0; i < 3; i++)
            {
                await instances.StartAsync(i);
            }
        }
        catch
        {
            await instances.DisposeAsync();
            throw;
        }

        return instances;
    }

    /// <summary>The etcd mapping of the cluster section: the endpoints, with a short timeout.</summary>
    public static string Etcd(string endpoints, string more = "") => $"{{ endpoints: {endpoints}, timeout: 1s{more} }}";

    /// <summary>An instance's config: <paramref name="clusterKeys"/> are more lines of the cluster section (indented two spaces), <paramref name="top"/> more top-level sections.</summary>
    public static string Config(string location, IPAddress source, int backendPort, string etcd, string clusterKeys = "", string top = "") => $$"""
        listen: [127.0.0.1:0]
        {{top}}
        cluster:
          location: {{location}}
          leaseTtl: 3s
          etcd: {{etcd}}
        {{clusterKeys}}
        healthChecks:
          - { name: web, type: http, target: 127.0.0.1, port: {{backendPort}}, path: /, interval: 100ms, failureThreshold: 2, recoveryThreshold: 2, sourceAddress: {{source}} }
        zones:
          - name: example.test
            ttl: 300
            soa: { email: hostmaster@example.test, serial: 1 }
            nameservers: [ns1.example.test.]
            records:
              - { name: ns1, type: A, value: 192.0.2.53 }
            failover:
              - name: www
                type: A
                ttl: 30
                unsettledTtl: 30
                primary: { value: 10.0.0.1, healthCheck: web }
                secondary: { value: 10.0.1.1 }
        """;

    /// <summary>Starts instance <paramref name="i"/>; with <paramref name="freshStateFile"/> it remembers nothing of an earlier run.</summary>
    public async Task StartAsync(int i, bool freshStateFile = false)
    {
        var stateFile = Path.Combine(_directory.Path, $"{Locations[i]}.state.json");
        if (freshStateFile)
        {
            File.Delete(stateFile);
        }

        _servers[i] = await ServerFixture.StartAsync(Config(Locations[i], Source(i), _backendPort, Etcd(_endpoints), _clusterKeys), stateFile: stateFile);
    }

    public async Task StopAsync(int i)
    {
        if (_servers[i] is { } server)
        {
            _servers[i] = null;
            await server.DisposeAsync();
        }
    }

    public static ClusterService ClusterOf(ServerFixture server) => server.Services.GetRequiredService<ClusterService>();

    public static HealthCheckState Web(ServerFixture server) => server.Services.GetRequiredService<HealthStateStore>().Get("web")!;

    /// <summary>What each running instance answers for www.example.test, in order.</summary>
    public async Task<string> AnswersAsync()
    {
        var answers = new List<string>();
        foreach (var server in Running)
        {
            answers.Add(await DnsAnswers.AskAsync(server, "www.example.test"));
        }

        return string.Join(" / ", answers);
    }

    /// <summary>Waits until every running instance answers <paramref name="answer"/>.</summary>
    public Task UntilAllAnswerAsync(string answer, string what, TimeSpan? deadline = null) =>
        Poll.UntilAsync(AnswersAsync, a => a.Split(" / ").All(x => x == answer), what, deadline);

    /// <summary>Waits until every running instance sees <paramref name="count"/> locations vote on web, each as <paramref name="verdict"/> says.</summary>
    public Task UntilVotesAsync(int count, Func<string, HealthStatus> verdict, string what, TimeSpan? deadline = null) =>
        Poll.UntilAsync(
            () => Running.All(s =>
            {
                var votes = ClusterOf(s).Explain(Web(s).Definition).Votes;
                return votes.Count == count && votes.All(v => v.Counts && v.Status == verdict(v.Location).ToName());
            }),
            what,
            deadline);

    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < _servers.Length; i++)
        {
            await StopAsync(i);
        }

        _directory.Dispose();
    }
}
