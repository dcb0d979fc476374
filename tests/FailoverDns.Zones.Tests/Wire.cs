using System.Text;

namespace FailoverDns.Zones.Tests;

/// <summary>Builds expected wire bytes by hand, independently of the code under test.</summary>
internal static class Wire
{
    /// <summary>An uncompressed name: each label with its length byte, then the root (0).</summary>
    public static byte[] Name(params string[] labels)
    {
        var bytes = new List<byte>();
        foreach (var label in labels)
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(Encoding.ASCII.GetBytes(label));
        }

        bytes.Add(0);
        return [.. bytes];
    }

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);
}
