namespace FailoverDns.Health.Tests.Probes;

/// <summary>A request as the server read it off the wire.</summary>
internal sealed record ReceivedRequest(string RequestLine, IReadOnlyDictionary<string, string> Headers);
