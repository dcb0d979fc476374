namespace FailoverDns.Testing.Http;

/// <summary>A request as the server read it off the wire.</summary>
public sealed record ReceivedRequest(string RequestLine, IReadOnlyDictionary<string, string> Headers);
