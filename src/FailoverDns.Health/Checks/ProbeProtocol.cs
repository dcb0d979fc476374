namespace FailoverDns.Health.Checks;

public enum ProbeProtocol
{
    Http,
    Https,
    Tcp,
}
