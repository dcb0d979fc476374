namespace FailoverDns.Health.Probes;

/// <summary>How far one HTTP(S) probe got; decides what a timeout is called.</summary>
internal enum HttpProbePhase
{
    Connecting,
    TlsHandshake,
    AwaitingResponse,
    ReadingBody,
}
