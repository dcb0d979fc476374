namespace FailoverDns.Testing.Http;

public enum ServerBehaviour
{
    /// <summary>Read the request, send the reply, close.</summary>
    Respond,

    /// <summary>Accept (and complete TLS, if any), read the request, never answer.</summary>
    NeverRespond,

    /// <summary>Send the status line and headers announcing a body that never comes.</summary>
    HeadersThenStall,

    /// <summary>Read the request and close without a byte of response.</summary>
    CloseWithoutResponse,

    /// <summary>Send a banner that is neither HTTP nor TLS as soon as the connection is accepted.</summary>
    Garbage,

    /// <summary>TLS server only: accept the TCP connection, never start the handshake.</summary>
    NoTlsHandshake,
}
