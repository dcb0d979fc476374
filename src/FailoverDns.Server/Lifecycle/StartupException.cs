namespace FailoverDns.Server.Lifecycle;

/// <summary>The server cannot start as configured; the message says why in an operator's words.</summary>
public class StartupException(string message, Exception? inner = null) : Exception(message, inner);
