using FailoverDns.Health.Checks;
using FailoverDns.Health.Probes;

namespace FailoverDns.Health.Tests.Monitoring;

/// <summary>Hands out one <see cref="FakeProbe"/> per endpoint and records each time the monitor asks for one.</summary>
internal sealed class FakeProbeFactory
{
    private readonly Lock _gate = new();
    private readonly Dictionary<EndpointCheckOptions, FakeProbe> _probes = [];
    private readonly List<EndpointCheckOptions> _created = [];

    /// <summary>Every endpoint the monitor created a probe for, in order.</summary>
    public IReadOnlyList<EndpointCheckOptions> Created
    {
        get
        {
            lock (_gate)
            {
                return [.. _created];
            }
        }
    }

    /// <summary>An endpoint the factory refuses, as <see cref="ProbeFactory.Create"/> refuses options that cannot form a probe.</summary>
    public EndpointCheckOptions? Rejects { get; set; }

    /// <summary>The probe for <paramref name="endpoint"/>, for the test to configure before the monitor starts.</summary>
    public FakeProbe For(EndpointCheckOptions endpoint)
    {
        lock (_gate)
        {
            if (!_probes.TryGetValue(endpoint, out var probe))
            {
                _probes[endpoint] = probe = new FakeProbe(endpoint);
            }

            return probe;
        }
    }

    public IProbe Create(EndpointCheckOptions endpoint)
    {
        lock (_gate)
        {
            _created.Add(endpoint);
        }

        if (endpoint.Equals(Rejects))
        {
            throw new ArgumentException($"Cannot form a request to {endpoint}.", nameof(endpoint));
        }

        return For(endpoint);
    }
}
