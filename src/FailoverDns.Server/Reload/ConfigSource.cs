using FailoverDns.Configuration;

namespace FailoverDns.Server.Reload;

/// <summary>
/// Where the served config comes from, for reloads: the file, and what the command line changes in
/// it (<c>--listen</c>), applied again to every reloaded version.
/// </summary>
public sealed record ConfigSource(string Path, Func<FailoverDnsConfig, FailoverDnsConfig> Adjust);
