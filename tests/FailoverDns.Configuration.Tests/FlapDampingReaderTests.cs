using FailoverDns.Health.Policy;

namespace FailoverDns.Configuration.Tests;

public sealed class FlapDampingReaderTests
{
    [Fact]
    public void LoadText_NoHealthSection_DampingOnWithTheDefaults()
    {
        var result = ConfigLoader.LoadText(LoadErrors.Zone, "test.yaml");

        result.Errors.Should().BeEmpty();
        result.Config!.Health.FlapDamping.Should().Be(new FlapDampingOptions { Enabled = true, MaxChanges = 4, Window = TimeSpan.FromMinutes(10), HoldFor = TimeSpan.FromMinutes(5) });
    }

    [Fact]
    public void LoadText_HealthSectionWithoutFlapDamping_DampingOnWithTheDefaults()
    {
        var result = ConfigLoader.LoadText("health: { startupWait: 5s }\n" + LoadErrors.Zone, "test.yaml");

        result.Errors.Should().BeEmpty();
        result.Config!.Health.FlapDamping.Should().Be(new FlapDampingOptions());
    }

    [Fact]
    public void LoadText_FlapDampingMapping_Read()
    {
        var result = ConfigLoader.LoadText("""
            health:
              flapDamping:
                maxChanges: 6
                window: 2m
                holdFor: 90s

            """ + LoadErrors.Zone, "test.yaml");

        result.Errors.Should().BeEmpty();
        result.Config!.Health.FlapDamping.Should().Be(new FlapDampingOptions { MaxChanges = 6, Window = TimeSpan.FromMinutes(2), HoldFor = TimeSpan.FromSeconds(90) });
    }

    [Fact]
    public void LoadText_FlapDampingPartMapping_RestFromDefaults()
    {
        var result = ConfigLoader.LoadText("health:\n  flapDamping: { holdFor: 1m }\n" + LoadErrors.Zone, "test.yaml");

        result.Errors.Should().BeEmpty();
        result.Config!.Health.FlapDamping.Should().Be(new FlapDampingOptions { HoldFor = TimeSpan.FromMinutes(1) });
    }

    [Fact]
    public void LoadText_FlapDampingOff_Disabled()
    {
        var result = ConfigLoader.LoadText("health:\n  flapDamping: off\n" + LoadErrors.Zone, "test.yaml");

        result.Errors.Should().BeEmpty();
        result.Config!.Health.FlapDamping.Should().Be(FlapDampingOptions.Off);
        result.Config.Health.FlapDamping.Enabled.Should().BeFalse();
    }

    [Theory]
    [InlineData("flapDamping: on", "test.yaml:2:16: flapDamping must be off or a mapping of maxChanges, window and holdFor, not 'on'")]
    [InlineData("flapDamping: false", "test.yaml:2:16: flapDamping must be off or a mapping of maxChanges, window and holdFor, not 'false'")]
    [InlineData("flapDamping: [5m]", "test.yaml:2:16: flapDamping must be off or a mapping of maxChanges, window and holdFor, not a list")]
    [InlineData("flapDamping: { maxChanges: 0 }", "test.yaml:2:30: 'maxChanges' must be a whole number from 1 to 100, not '0'")]
    [InlineData("flapDamping: { maxChanges: 101 }", "test.yaml:2:30: 'maxChanges' must be a whole number from 1 to 100, not '101'")]
    [InlineData("flapDamping: { window: 0s }", "test.yaml:2:26: 'window' must be a duration from 1s to 24h (like 500ms, 10s, 1m), not '0s'")]
    [InlineData("flapDamping: { holdFor: 2d }", "test.yaml:2:27: 'holdFor' must be a duration from 1s to 24h (like 500ms, 10s, 1m), not '2d'")]
    [InlineData("flapDamping: { hold: 2m }", "test.yaml:2:18: unknown key 'hold' (expected one of: holdFor, maxChanges, window)")]
    public void LoadText_BadFlapDamping_ReportedWithLineAndColumn(string entry, string error)
    {
        LoadErrors.Of($"health:\n  {entry}\n" + LoadErrors.Zone).Should().Equal(error);
    }
}
