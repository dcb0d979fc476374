using FailoverDns.Protocol;

namespace FailoverDns.Server.Tests.Support;

/// <summary>Builds request messages for tests.</summary>
internal static class Queries
{
    public static byte[] Build(string name, RecordType type, ushort id = 0x1234, bool recursionDesired = true, ushort? ednsPayload = null, byte ednsVersion = 0, bool dnssecOk = false, ushort @class = (ushort)RecordClass.IN, OpCode opCode = OpCode.Query)
    {
        var flags = (ushort)(((int)opCode << 11) | (recursionDesired ? DnsHeader.RecursionDesiredFlag : 0));
        var edns = ednsPayload is { } payload ? new Edns(payload, 0, ednsVersion, dnssecOk, []) : null;
        var message = new DnsMessage(
            new DnsHeader(id, flags, 1, 0, 0, 0),
            [new DnsQuestion(DnsName.Parse(name.EndsWith('.') ? name : name + ".")!, type, @class)],
            [],
            [],
            [],
            edns);
        return message.ToArray();
    }
}
