using FailoverDns.Health.Policy;
using FailoverDns.Zones.Text;

namespace FailoverDns.Configuration.Yaml;

/// <summary>Reads the <c>health</c> section.</summary>
internal static class HealthReader
{
    public static HealthOptions Read(YamlMap root)
    {
        var defaults = new HealthOptions();
        var map = root.Map("health");
        if (map is null)
        {
            return defaults;
        }

        var initial = map.Scalar("initialState");
        var initialState = initial switch
        {
            null => defaults.InitialState,
            "firstProbe" => InitialState.FirstProbe,
            "healthy" => InitialState.Healthy,
            _ => (InitialState?)null,
        };
        if (initialState is null)
        {
            map.Error("initialState", $"initialState must be firstProbe or healthy, not {Excerpt.Quote(initial)}");
        }

        var options = new HealthOptions
        {
            InitialState = initialState ?? defaults.InitialState,
            StartupWait = map.Duration("startupWait", defaults.StartupWait, TimeSpan.Zero, TimeSpan.FromMinutes(10)),
            FlapDamping = FlapDampingReader.Read(map),
        };
        map.RejectUnknownKeys();
        return options;
    }
}
