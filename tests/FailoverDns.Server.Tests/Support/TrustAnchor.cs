namespace FailoverDns.Server.Tests.Support;

/// <summary>
/// Where validation starts for a test zone: one DS record (as dnssec-dsfromkey prints it) or one
/// DNSKEY record (as in a dnssec-keygen .key file), given to Unbound as a <c>trust-anchor:</c> line
/// and to delv as a <c>trust-anchors</c> statement, so both validators trust the same key.
/// </summary>
internal sealed record TrustAnchor(string Zone, string Type, string[] Fields)
{
    /// <summary>Reads the first record line of <paramref name="text"/>: "zone. [ttl] [IN] DS|DNSKEY rdata…"; comment lines (;) are skipped.</summary>
    public static TrustAnchor Parse(string text)
    {
        var line = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith(';'))
            ?? throw new FormatException($"no DS or DNSKEY record in: {text}");
        var tokens = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        var typeIndex = Array.FindIndex(tokens, t => t is "DS" or "DNSKEY");
        if (typeIndex < 1 || tokens.Length < typeIndex + 5)
        {
            throw new FormatException($"not a DS or DNSKEY record: {line}");
        }

        var zone = tokens[0].EndsWith('.') ? tokens[0] : tokens[0] + ".";
        return new TrustAnchor(zone, tokens[typeIndex], tokens[(typeIndex + 1)..]);
    }

    /// <summary>The record on one line, as Unbound's <c>trust-anchor:</c> option takes it.</summary>
    public string UnboundLine => $"{Zone} {Type} {string.Join(' ', Fields)}";

    /// <summary>
    /// BIND's <c>trust-anchors</c> statement for delv's <c>-a</c> file: <c>static-ds</c> with the digest
    /// quoted, or <c>static-key</c> with the key's base64 (which may come split by spaces) quoted.
    /// </summary>
    public string BindStatement => Type == "DS"
        ? $"trust-anchors {{ \"{Zone}\" static-ds {Fields[0]} {Fields[1]} {Fields[2]} \"{string.Concat(Fields[3..])}\"; }};\n"
        : $"trust-anchors {{ \"{Zone}\" static-key {Fields[0]} {Fields[1]} {Fields[2]} \"{string.Concat(Fields[3..])}\"; }};\n";
}
