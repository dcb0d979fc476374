using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using dotnet_etcd;
using Etcdserverpb;
using FailoverDns.Testing;
using Google.Protobuf;

namespace FailoverDns.Server.Tests.Support;

/// <summary>How the test etcd cluster lets clients in.</summary>
internal enum EtcdSecurity
{
    /// <summary>Plain HTTP, no authentication.</summary>
    None,

    /// <summary>
    /// Plain HTTP with etcd authentication: <see cref="EtcdCluster.Username"/> may use only <see cref="EtcdCluster.KeyPrefix"/>.
    /// etcd 3.4's default "simple" tokens do not survive a node restart: the first call after one is
    /// refused (Unauthenticated, "invalid auth token"); dotnet-etcd then drops the token and the next call signs in again.
    /// </summary>
    Password,

    /// <summary>HTTPS client URLs that require a client certificate signed by the cluster's CA.</summary>
    Tls,
}

/// <summary>
/// A real etcd cluster of one or more nodes on loopback, each with its own data directory under one
/// temporary directory. Nodes can be killed, stopped and started again (same data, same ports); every
/// node is stopped by the PID it was started with, and the directory removed, on dispose.
/// </summary>
internal sealed class EtcdCluster : IAsyncDisposable
{
    /// <summary>The user FailoverDns connects as under <see cref="EtcdSecurity.Password"/>.</summary>
    public const string Username = "failoverdns";

    public const string Password = "failoverdns-test-password";

    /// <summary>The only keys <see cref="Username"/> may read and write.</summary>
    public const string KeyPrefix = "/failoverdns/";

    private const string RootPassword = "rootpw";

    // Bounds of every wait for a node: etcd starts in well under a second here, elections take ~1 s.
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan ExitLimit = TimeSpan.FromSeconds(10);

    private readonly TempDirectory _directory;
    private readonly EtcdSecurity _security;
    private readonly Node[] _nodes;
    private readonly HttpClient _health;

    private EtcdCluster(TempDirectory directory, EtcdSecurity security, int nodes)
    {
        _directory = directory;
        _security = security;
        var scheme = security == EtcdSecurity.Tls ? "https" : "http";
        var ports = DistinctFreePorts(2 * nodes);
        var token = "failoverdns-test-" + Guid.NewGuid().ToString("N");
        _nodes = [.. Enumerable.Range(0, nodes).Select(i => new Node(
            $"node{i}",
            $"{scheme}://127.0.0.1:{ports[2 * i]}",
            $"http://127.0.0.1:{ports[(2 * i) + 1]}",
            Path.Combine(directory.Path, $"node{i}")))];
        var initialCluster = string.Join(',', _nodes.Select(n => $"{n.Name}={n.PeerUrl}"));
        foreach (var node in _nodes)
        {
            node.Arguments = [
                "--name", node.Name,
                "--data-dir", node.DataDirectory,
                "--listen-client-urls", node.ClientUrl,
                "--advertise-client-urls", node.ClientUrl,
                "--listen-peer-urls", node.PeerUrl,
                "--initial-advertise-peer-urls", node.PeerUrl,
                "--initial-cluster", initialCluster,
                "--initial-cluster-state", "new",
                "--initial-cluster-token", token,
                "--logger", "zap",
                "--log-outputs", "stderr",
                .. security == EtcdSecurity.Tls
                    ? ["--cert-file", ServerCertFile, "--key-file", ServerKeyFile, "--trusted-ca-file", CaFile, "--client-cert-auth"]
                    : Array.Empty<string>(),
            ];
        }

        var handler = new SocketsHttpHandler();
        if (security == EtcdSecurity.Tls)
        {
            TlsOptions.Apply(handler.SslOptions, CaFile, ClientCertFile, ClientKeyFile);
        }

        _health = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(1) };
    }

    public IReadOnlyList<string> ClientUrls => [.. _nodes.Select(n => n.ClientUrl)];

    /// <summary>The client URLs as a YAML flow list, for a FailoverDns config.</summary>
    public string Endpoints => "[" + string.Join(", ", ClientUrls) + "]";

    /// <summary>The client URLs as dotnet-etcd's connection string.</summary>
    public string ConnectionString => string.Join(',', ClientUrls);

    public string CaFile => Path.Combine(_directory.Path, "ca.pem");

    public string ClientCertFile => Path.Combine(_directory.Path, "client.pem");

    public string ClientKeyFile => Path.Combine(_directory.Path, "client-key.pem");

    private string ServerCertFile => Path.Combine(_directory.Path, "server.pem");

    private string ServerKeyFile => Path.Combine(_directory.Path, "server-key.pem");

    /// <summary>Starts <paramref name="nodes"/> etcd nodes as one cluster and returns once every one serves clients.</summary>
    public static async Task<EtcdCluster> StartAsync(int nodes = 1, EtcdSecurity security = EtcdSecurity.None)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        var directory = new TempDirectory();
        if (security == EtcdSecurity.Tls)
        {
            EtcdCertificates.Write(directory.Path);
        }

        var cluster = new EtcdCluster(directory, security, nodes);
        try
        {
            // All first, then wait: a node of a larger cluster serves only once a quorum is up.
            foreach (var node in cluster._nodes)
            {
                Launch(node);
            }

            foreach (var node in cluster._nodes)
            {
                await cluster.WaitUntilServingAsync(node);
            }

            if (security == EtcdSecurity.Password)
            {
                await cluster.EnableAuthenticationAsync();
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>What node <paramref name="node"/> has printed, over all its runs.</summary>
    public string Output(int node) => string.Join('\n', _nodes[node].Output);

    /// <summary>SIGKILLs node <paramref name="node"/> by its PID, as a crash would, and waits until it is gone.</summary>
    public async Task KillAsync(int node)
    {
        var process = _nodes[node].Process ?? throw new InvalidOperationException($"node {node} is not running");
        process.Kill();
        await ReapAsync(_nodes[node]);
    }

    /// <summary>Stops node <paramref name="node"/> with SIGTERM by its PID (SIGKILL if it does not stop) and waits until it is gone.</summary>
    public async Task StopAsync(int node)
    {
        var process = _nodes[node].Process ?? throw new InvalidOperationException($"node {node} is not running");
        if (!process.HasExited)
        {
            await Tool.RunAsync("kill", "-TERM", process.Id.ToString(CultureInfo.InvariantCulture));
            using var deadline = new CancellationTokenSource(ExitLimit);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
            }
        }

        await ReapAsync(_nodes[node]);
    }

    /// <summary>Starts node <paramref name="node"/> again, with its data and ports, and returns once it serves clients.</summary>
    public async Task StartNodeAsync(int node)
    {
        if (_nodes[node].Process is not null)
        {
            throw new InvalidOperationException($"node {node} is already running");
        }

        Launch(_nodes[node]);
        await WaitUntilServingAsync(_nodes[node]);
    }

    /// <summary>
    /// Returns once node <paramref name="node"/> serves clients: after a kill, once the others have a
    /// leader again (etcd 3.4 holds a write sent while there is none until its request timeout, 7 s
    /// with the default election timeout).
    /// </summary>
    public Task WaitUntilServingAsync(int node) =>
        WaitUntilServingAsync(_nodes[node].Process is null ? throw new InvalidOperationException($"node {node} is not running") : _nodes[node]);

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes.Where(n => n.Process is not null))
        {
            node.Process!.Kill();
            await ReapAsync(node);
        }

        _health.Dispose();
        _directory.Dispose();
    }

    private static int[] DistinctFreePorts(int count)
    {
        // FreePort releases its port before returning, so asking twice can give the same one.
        var ports = new HashSet<int>();
        for (var attempt = 0; attempt < count * 10 && ports.Count < count; attempt++)
        {
            ports.Add(FreePort.Next());
        }

        return ports.Count == count ? [.. ports] : throw new InvalidOperationException($"no {count} distinct free loopback ports");
    }

    private static void Launch(Node node)
    {
        var start = new ProcessStartInfo("etcd")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in node.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // etcd also reads its flags from ETCD_* variables; the test's flags are the whole configuration.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("ETCD_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("etcd is not installed: run .ci/run (it installs the etcd-server package)", e);
        }

        process.OutputDataReceived += (_, e) => node.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => node.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        node.Process = process;
    }

    private async Task WaitUntilServingAsync(Node node)
    {
        var clock = Stopwatch.StartNew();
        for (var attempt = 0; attempt < 200 && clock.Elapsed < StartLimit && !node.Process!.HasExited; attempt++)
        {
            if (await IsHealthyAsync(node))
            {
                return;
            }

            await Task.Delay(100);
        }

        var exited = node.Process!.HasExited ? $"exited with {node.Process.ExitCode}" : $"not serving after {StartLimit.TotalSeconds} s";
        throw new InvalidOperationException($"etcd {node.Name} ({node.ClientUrl}) {exited}:\n{string.Join('\n', node.Output)}");
    }

    private async Task<bool> IsHealthyAsync(Node node)
    {
        try
        {
            // {"health":"true"} once the node has a leader and no alarms.
            using var response = await _health.GetAsync(new Uri(node.ClientUrl + "/health"));
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return body.RootElement.TryGetProperty("health", out var health) && health.GetString() == "true";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    private async Task EnableAuthenticationAsync()
    {
        using var client = new EtcdClient(ConnectionString);
        await client.UserAddAsync(new AuthUserAddRequest { Name = "root", Password = RootPassword });
        await client.UserGrantRoleAsync(new AuthUserGrantRoleRequest { User = "root", Role = "root" });
        await client.RoleAddAsync(new AuthRoleAddRequest { Name = Username });
        await client.RoleGrantPermissionAsync(new AuthRoleGrantPermissionRequest
        {
            Name = Username,
            Perm = new Authpb.Permission
            {
                PermType = Authpb.Permission.Types.Type.Readwrite,
                Key = ByteString.CopyFromUtf8(KeyPrefix),
                RangeEnd = ByteString.CopyFromUtf8(PrefixEnd(KeyPrefix)),
            },
        });
        await client.UserAddAsync(new AuthUserAddRequest { Name = Username, Password = Password });
        await client.UserGrantRoleAsync(new AuthUserGrantRoleRequest { User = Username, Role = Username });
        await client.AuthEnableAsync(new AuthEnableRequest());
    }

    // The first key after every key that starts with the prefix: its last byte plus one.
    private static string PrefixEnd(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);

    private static async Task ReapAsync(Node node)
    {
        using var deadline = new CancellationTokenSource(ExitLimit);
        await node.Process!.WaitForExitAsync(deadline.Token);
        node.Process.Dispose();
        node.Process = null;
    }

    private sealed class Node(string name, string clientUrl, string peerUrl, string dataDirectory)
    {
        public string Name { get; } = name;

        public string ClientUrl { get; } = clientUrl;

        public string PeerUrl { get; } = peerUrl;

        public string DataDirectory { get; } = dataDirectory;

        public string[] Arguments { get; set; } = [];

        public Process? Process { get; set; }

        public ConcurrentQueue<string> Output { get; } = new();

        public void Keep(string? line)
        {
            if (line is not null)
            {
                Output.Enqueue(line);
            }
        }
    }
}

/// <summary>The TLS client settings that get a client into a <see cref="EtcdSecurity.Tls"/> cluster.</summary>
internal static class TlsOptions
{
    /// <summary>Trusts only <paramref name="caFile"/> and, when given, presents the client certificate.</summary>
    public static void Apply(System.Net.Security.SslClientAuthenticationOptions options, string caFile, string? certFile = null, string? keyFile = null)
    {
        options.CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            CustomTrustStore = { X509CertificateLoader.LoadCertificateFromFile(caFile) },
            RevocationMode = X509RevocationMode.NoCheck,
        };
        if (certFile is not null && keyFile is not null)
        {
            options.ClientCertificates = [X509Certificate2.CreateFromPemFile(certFile, keyFile)];
        }
    }
}

/// <summary>A CA, a server certificate for 127.0.0.1 and localhost, and a client certificate, as PEM files.</summary>
internal static class EtcdCertificates
{
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    public static void Write(string directory)
    {
        var notBefore = DateTimeOffset.UtcNow.AddDays(-1);
        var notAfter = DateTimeOffset.UtcNow.AddDays(30);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=FailoverDns test etcd CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(notBefore, notAfter);
        File.WriteAllText(Path.Combine(directory, "ca.pem"), ca.ExportCertificatePem());

        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        // clientAuth too: etcd's own gRPC gateway dials the node with the server certificate, and
        // with serverAuth alone every node logs "incompatible key usage" rejecting itself.
        Issue(ca, directory, "server", "CN=localhost", names.Build(), [ServerAuth, ClientAuth], notBefore, notAfter);
        Issue(ca, directory, "client", "CN=failoverdns", null, [ClientAuth], notBefore, notAfter);
    }

    private static void Issue(X509Certificate2 ca, string directory, string name, string subject, X509Extension? alternativeNames, string[] usages, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([.. usages.Select(u => new Oid(u))], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        if (alternativeNames is not null)
        {
            request.CertificateExtensions.Add(alternativeNames);
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a positive serial: newer Go refuses negative ones
        using var certificate = request.Create(ca, notBefore, notAfter, serial);
        File.WriteAllText(Path.Combine(directory, $"{name}.pem"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, $"{name}-key.pem"), key.ExportPkcs8PrivateKeyPem());
    }
}
