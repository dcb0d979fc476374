using System.Text;

namespace FailoverDns.Testing;

/// <summary>
/// Builds wire-format pieces for tests independently of the codec (<c>DnsName</c>), so a vector
/// never depends on the code under test.
/// </summary>
public static class Wire
{
    /// <summary>An uncompressed name from plain dotted ASCII (no escapes); "." is the root.</summary>
    public static byte[] Name(string dotted)
    {
        var bytes = new List<byte>();
        foreach (var label in dotted.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(Encoding.ASCII.GetBytes(label));
        }

        bytes.Add(0);
        return [.. bytes];
    }

    /// <summary>A name made of <paramref name="labelLengths"/> labels of 'a's, ending with the root.</summary>
    public static byte[] NameOfLabels(params int[] labelLengths)
    {
        var bytes = new List<byte>();
        foreach (var length in labelLengths)
        {
            bytes.Add((byte)length);
            bytes.AddRange(Enumerable.Repeat((byte)'a', length));
        }

        bytes.Add(0);
        return [.. bytes];
    }

    public static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);
}
