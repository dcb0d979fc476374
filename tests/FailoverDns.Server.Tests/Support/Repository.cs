namespace FailoverDns.Server.Tests.Support;

/// <summary>The checkout the tests run from (the directory holding FailoverDns.sln).</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Copies the directory <paramref name="from"/> (and below) to <paramref name="to"/>; returns <paramref name="to"/>.</summary>
    public static string CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return to;
    }

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FailoverDns.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no FailoverDns.sln above {AppContext.BaseDirectory}");
    }
}
