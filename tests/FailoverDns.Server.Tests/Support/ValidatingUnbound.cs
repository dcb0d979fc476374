using System.Globalization;
using System.Text.RegularExpressions;
using FailoverDns.Testing;

namespace FailoverDns.Server.Tests.Support;

/// <summary>
/// Unbound as a validating resolver for one zone: a stub zone sends every query for it to the
/// authoritative server under test, and a trust anchor for the zone itself makes Unbound validate
/// its answers (AD set) or reject them (SERVFAIL) exactly as it would below a signed parent. Runs in
/// the foreground on loopback ports of its own; its log (val-log-level 2: why an answer is bogus) is
/// in <see cref="Log"/>.
/// </summary>
internal sealed partial class ValidatingUnbound : IAsyncDisposable
{
    private readonly TempDirectory _directory;
    private readonly Daemon _daemon;
    private readonly string _config;
    private readonly string _zone;

    private ValidatingUnbound(TempDirectory directory, Daemon daemon, string config, string zone, int port)
    {
        _directory = directory;
        _daemon = daemon;
        _config = config;
        _zone = zone;
        Port = port;
    }

    /// <summary>The loopback port Unbound answers on: ask it with <see cref="QueryAsync"/> or dig.</summary>
    public int Port { get; }

    /// <summary>Unbound's own output, with the validator's reasons for every bogus answer.</summary>
    public string Log => _daemon.Output;

    /// <summary>
    /// Starts Unbound validating <paramref name="zone"/> (e.g. "example.test") served by
    /// 127.0.0.1:<paramref name="authorityPort"/>, trusting <paramref name="anchor"/> (the zone's DS or
    /// KSK DNSKEY), and returns once it answers. Each of <paramref name="children"/> is a zone delegated
    /// from it and served on another loopback port (glue cannot name a port); Unbound still takes the
    /// child's DS, or the proof there is none, from the parent.
    /// </summary>
    public static async Task<ValidatingUnbound> StartAsync(string zone, int authorityPort, TrustAnchor anchor, params (string Zone, int Port)[] children)
    {
        var directory = new TempDirectory();
        try
        {
            var port = FreePort.Next();
            var controlPort = FreePort.Next();
            var config = directory.Write("unbound.conf", string.Create(CultureInfo.InvariantCulture, $"""
                server:
                    interface: 127.0.0.1
                    port: {port}
                    do-ip6: no
                    do-daemonize: no
                    username: ""
                    chroot: ""
                    directory: "{directory.Path}"
                    pidfile: ""
                    use-syslog: no
                    logfile: ""
                    num-threads: 1
                    access-control: 127.0.0.0/8 allow
                    # The authority under test is on loopback, which Unbound refuses to ask by default.
                    do-not-query-localhost: no
                    # .test is reserved (RFC 6761) and Unbound answers NXDOMAIN for it itself unless told not to.
                    local-zone: "test." nodefault
                    module-config: "validator iterator"
                    val-log-level: 2
                    # Extended DNS errors: dig prints why an answer failed (e.g. "EDE: 6 (DNSSEC Bogus)").
                    ede: yes
                    trust-anchor: "{anchor.UnboundLine}"
                remote-control:
                    control-enable: yes
                    control-interface: 127.0.0.1
                    control-port: {controlPort}
                    control-use-cert: no
                {string.Concat(children.Prepend((zone, authorityPort)).Select(Stub))}
                """));
            var daemon = await Daemon.StartAsync("unbound", "unbound", port, zone, "-d", "-c", config);
            return new ValidatingUnbound(directory, daemon, config, zone, port);
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    private static string Stub((string Zone, int Port) stub) =>
        string.Create(CultureInfo.InvariantCulture, $"stub-zone:\n    name: \"{stub.Zone}\"\n    stub-addr: 127.0.0.1@{stub.Port}\n");

    /// <summary>
    /// Asks with dig +dnssec: <see cref="DigResult.Authenticated"/> is the AD flag, <see cref="DigResult.Status"/>
    /// NOERROR/NXDOMAIN/SERVFAIL (SERVFAIL is what a validator answers for a bogus record).
    /// </summary>
    public async Task<DigResult> QueryAsync(string name, string type = "A") =>
        DigResult.Parse(await Tool.DigAsync(Port, "+dnssec", "+time=10", name, type));

    /// <summary>
    /// Forgets everything cached for the zone (records, keys, bogus and negative answers, server state)
    /// through unbound-control, so the next query asks the authority again: between phases of a test
    /// that changes what the authority serves. Returns how many RRsets it removed from the zone.
    /// </summary>
    public async Task<int> FlushAsync()
    {
        var removed = await ControlAsync("flush_zone", _zone);
        await ControlAsync("flush_bogus");
        await ControlAsync("flush_negative");
        await ControlAsync("flush_infra", "all");
        await ControlAsync("flush_requestlist");
        var count = RemovedRrsets().Match(removed);
        return count.Success ? int.Parse(count.Groups[1].Value, CultureInfo.InvariantCulture) : throw new FormatException($"unbound-control flush_zone printed: {removed}");
    }

    private async Task<string> ControlAsync(params string[] command)
    {
        var (exitCode, output) = await Tool.RunAsync("unbound-control", ["-c", _config, .. command]);
        return exitCode == 0 ? output : throw new InvalidOperationException($"unbound-control {string.Join(' ', command)} failed ({exitCode}): {output}");
    }

    [GeneratedRegex(@"removed (\d+) rrsets")]
    private static partial Regex RemovedRrsets();

    public async ValueTask DisposeAsync()
    {
        await _daemon.DisposeAsync();
        _directory.Dispose();
    }
}
