using System.Net.Http.Json;
using FailoverDns.Server.Tests.Support;
using FailoverDns.Testing.Http;
using FluentAssertions;
using Microsoft.Extensions.Time.Testing;

namespace FailoverDns.Server.Tests.Admin;

/// <summary>Overrides over time: they expire on their own, and they survive a restart through the state file.</summary>
public sealed class OverrideLifecycleTests : IDisposable
{
    private const string Primary = "NOERROR | www.example.test. 30 IN A 10.0.0.1";
    private const string Secondary = "NOERROR | www.example.test. 30 IN A 10.0.1.1";

    private readonly string _stateFile = Path.Combine(Path.GetTempPath(), $"failoverdns-overrides-{Guid.NewGuid():N}.json");

    private static string Config(int backendPort) => $$"""
        listen: [127.0.0.1:0]
        logging: { level: Warning }
        healthChecks:
          - { name: web, type: tcp, target: 127.0.0.1, port: {{backendPort}}, interval: 1s, failureThreshold: 1 }
        zones:
          - name: example.test
            soa: { email: hostmaster@example.test }
            nameservers: [ns1.example.test.]
            records:
              - { name: ns1, type: A, value: 192.0.2.53 }
            failover:
              - name: www
                type: A
                ttl: 30
                primary: { value: 10.0.0.1, healthCheck: web }
                secondary: { value: 10.0.1.1 }
        """;

    public void Dispose() => File.Delete(_stateFile);

    [Fact]
    public async Task Override_StateFileCannotBeWritten_RefusedWith503AndNothingChanges()
    {
        await using var backend = LoopbackHttpServer.Start();
        var unwritable = Path.Combine(Path.GetTempPath(), $"failoverdns-missing-{Guid.NewGuid():N}", "state.json");
        await using var server = await ServerFixture.StartAsync(Config(backend.Port), stateFile: unwritable);

        using var response = await server.Admin.PutAsJsonAsync("/api/health-checks/web/override", new { state = "unhealthy", reason = "drill" });

        ((int)response.StatusCode).Should().Be(503);
        (await response.Content.ReadAsStringAsync()).Should().Contain($"the state file {unwritable} cannot be written").And.Contain("would not survive a restart");
        (await server.GetJsonAsync("/api/health-checks/web")).TryGetProperty("override", out _).Should().BeFalse("nothing was set");
        (await DnsAnswers.AskAsync(server, "www.example.test")).Should().Be(Primary);
    }

    [Fact]
    public async Task Override_UntilPasses_ExpiresOnItsOwn()
    {
        await using var backend = LoopbackHttpServer.Start();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await ServerFixture.StartAsync(Config(backend.Port), clock, _stateFile);
        var until = clock.GetUtcNow().AddMinutes(10);

        (await server.Admin.PutAsJsonAsync("/api/health-checks/web/override", new { state = "unhealthy", until, reason = "drill" })).EnsureSuccessStatusCode();
        (await DnsAnswers.AskAsync(server, "www.example.test")).Should().Be(Secondary);

        clock.Advance(TimeSpan.FromMinutes(9));
        (await DnsAnswers.AskAsync(server, "www.example.test")).Should().Be(Secondary, "the override holds until its time");
        var check = await server.GetJsonAsync("/api/health-checks/web");
        check.GetProperty("override").GetProperty("until").GetDateTimeOffset().Should().Be(until);

        clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));

        (await DnsAnswers.AskAsync(server, "www.example.test")).Should().Be(Primary);
        (await server.GetJsonAsync("/api/health-checks/web")).TryGetProperty("override", out _).Should().BeFalse();
        System.Text.Json.JsonDocument.Parse(File.ReadAllText(_stateFile)).RootElement.GetProperty("overrides").GetArrayLength()
            .Should().Be(0, "the expired override is gone from the state file too");
    }

    [Fact]
    public async Task Override_ServerRestarts_RestoredFromStateFile()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using (var first = await ServerFixture.StartAsync(Config(backend.Port), stateFile: _stateFile))
        {
            (await first.Admin.PutAsJsonAsync("/api/health-checks/web/override", new { state = "unhealthy", reason = "datacentre move" })).EnsureSuccessStatusCode();
            (await DnsAnswers.AskAsync(first, "www.example.test")).Should().Be(Secondary);
        }

        await using var second = await ServerFixture.StartAsync(Config(backend.Port), stateFile: _stateFile);

        (await DnsAnswers.AskAsync(second, "www.example.test")).Should().Be(Secondary);
        var check = await second.GetJsonAsync("/api/health-checks/web");
        check.GetProperty("status").GetString().Should().Be("unhealthy");
        check.GetProperty("override").GetProperty("reason").GetString().Should().Be("datacentre move");
    }

    [Fact]
    public async Task Override_ExpiredWhileStopped_NotRestored()
    {
        await using var backend = LoopbackHttpServer.Start();
        File.WriteAllText(_stateFile, """[{"check":"web","state":"unhealthy","until":"2001-01-01T00:00:00Z","reason":"old","since":"2000-12-31T00:00:00Z"}]""");

        await using var server = await ServerFixture.StartAsync(Config(backend.Port), stateFile: _stateFile);

        (await DnsAnswers.AskAsync(server, "www.example.test")).Should().Be(Primary);
        (await server.GetJsonAsync("/api/health-checks/web")).TryGetProperty("override", out _).Should().BeFalse();
    }

    [Fact]
    public async Task Override_StateFileReasonBreaksTheRules_RestoredAsOneShortLine()
    {
        await using var backend = LoopbackHttpServer.Start();
        var reason = @"kernel\nupgrade" + new string('x', 5000);
        File.WriteAllText(_stateFile, $$"""[{"check":"web","state":"unhealthy","until":null,"reason":"{{reason}}","since":"2026-01-01T00:00:00Z"}]""");

        await using var server = await ServerFixture.StartAsync(Config(backend.Port), stateFile: _stateFile);

        var restored = (await server.GetJsonAsync("/api/health-checks/web")).GetProperty("override").GetProperty("reason").GetString();
        restored.Should().StartWith("kernel upgrade").And.HaveLength(200);
        (await DnsAnswers.AskAsync(server, "www.example.test")).Should().Be(Secondary);
    }

    [Fact]
    public async Task Override_StateFileCorrupt_StartsWithoutOverrides()
    {
        await using var backend = LoopbackHttpServer.Start();
        File.WriteAllText(_stateFile, "{ not json");

        await using var server = await ServerFixture.StartAsync(Config(backend.Port), stateFile: _stateFile);

        (await DnsAnswers.AskAsync(server, "www.example.test")).Should().Be(Primary);
    }
}
