namespace FailoverDns.Server.Tests.Support;

/// <summary>The checkout the tests run from (the directory holding FailoverDns.sln).</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

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
