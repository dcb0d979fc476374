using FailoverDns.Server.Lifecycle;

namespace FailoverDns.Server.Transport;

/// <summary>A socket could not be bound at start-up; the message names the endpoint and the cause.</summary>
public sealed class ListenerBindException(string message, Exception? inner = null) : StartupException(message, inner);
