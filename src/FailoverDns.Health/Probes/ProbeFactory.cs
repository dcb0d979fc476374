using FailoverDns.Health.Checks;

namespace FailoverDns.Health.Probes;

/// <summary>Builds the probe for an endpoint check.</summary>
public static class ProbeFactory
{
    /// <exception cref="ArgumentException">The options cannot form a probe (an unknown protocol, an invalid path or Host header).</exception>
    public static IProbe Create(EndpointCheckOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        return options.Protocol switch
        {
            ProbeProtocol.Http or ProbeProtocol.Https => new HttpProbe(options, timeProvider),
            ProbeProtocol.Tcp => new TcpProbe(options, timeProvider),
            _ => throw new ArgumentException($"Unknown probe protocol {options.Protocol}.", nameof(options)),
        };
    }
}
