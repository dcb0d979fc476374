using FailoverDns.Health.Checks;
using FailoverDns.Health.Policy;
using FailoverDns.Health.State;
using FailoverDns.Server.Persistence;
using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;

namespace FailoverDns.Server.Tests.Persistence;

public sealed class StateFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("failoverdns-statefile-").FullName;

    private string Path => System.IO.Path.Combine(_directory, "state.json");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static HealthCheckDefinition Web => new()
    {
        Name = "web",
        Endpoint = new EndpointCheckOptions { Protocol = ProbeProtocol.Http, Target = "127.0.0.1", Port = 8080, Path = "/health?token=s3cret", ConnectTimeout = TimeSpan.FromSeconds(2) },
    };

    [Fact]
    public void Write_ThenRead_TheCheckStateComesBackUnderADigestOfItsDefinition()
    {
        var store = new HealthStateStore([Web], TimeProvider.System, InitialState.FirstProbe);
        store.Apply([new CheckVerdict(Web, HealthStatus.Unhealthy, "HTTP 500")]);

        new StateFile(Path, NullLogger<StateFile>.Instance).Write(store);

        var text = File.ReadAllText(Path);
        text.Should().NotContain("s3cret", "the state file keeps a digest of what a check judges, never its path or headers");
        var restored = new StateFile(Path, NullLogger<StateFile>.Instance).SavedChecks().Should().ContainSingle().Subject;
        restored.Should().Be(new SavedCheckState("web", Web.Judgement, HealthStatus.Unhealthy, store.Get("web")!.Since));
        restored.Judgement.Should().MatchRegex("^[0-9a-f]{64}$");
    }

    [Fact]
    public void Read_FileFromBeforeCheckStates_OverridesRead()
    {
        File.WriteAllText(Path, """[{"check":"web","state":"unhealthy","until":null,"reason":"drill","since":"2026-01-01T00:00:00Z"}]""");

        var saved = new StateFile(Path, NullLogger<StateFile>.Instance).Saved;

        saved.Overrides.Select(o => (o.Check, o.State, o.Reason)).Should().Equal(("web", "unhealthy", "drill"));
        saved.Checks.Should().BeEmpty();
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("{\"checks\": [{\"check\": \"web\", \"definition\": \"x\", \"state\": \"sideways\", \"since\": \"2026-01-01T00:00:00Z\"}]}")]
    public void Read_CorruptOrUnknownState_NothingRestored(string content)
    {
        File.WriteAllText(Path, content);

        new StateFile(Path, NullLogger<StateFile>.Instance).SavedChecks().Should().BeEmpty();
    }

    [Fact]
    public void Read_Fifo_RefusedWithoutWaiting()
    {
        FailoverDns.Testing.Fifo.Create(Path);

        new StateFile(Path, NullLogger<StateFile>.Instance).Saved.Should().BeEquivalentTo(PersistedState.Empty);
    }
}
