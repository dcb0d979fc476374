namespace FailoverDns.Testing.Http;

/// <summary>What <see cref="LoopbackHttpServer"/> does with each connection.</summary>
public sealed record ServerReply
{
    public int Status { get; init; } = 200;

    public byte[] Body { get; init; } = [];

    public IReadOnlyList<string> ExtraHeaders { get; init; } = [];

    public ServerBehaviour Behaviour { get; init; } = ServerBehaviour.Respond;

    public static ServerReply WithStatus(int status) => new() { Status = status };

    public static ServerReply WithBody(byte[] body) => new() { Body = body };
}
