using System.Diagnostics;

namespace FailoverDns.Testing;

/// <summary>Named pipes for tests: .NET cannot create one, mkfifo(1) can.</summary>
public static class Fifo
{
    public static string Create(string path)
    {
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        if (!mkfifo.WaitForExit(10_000) || mkfifo.ExitCode != 0)
        {
            throw new InvalidOperationException($"mkfifo {path} failed");
        }

        return path;
    }
}
