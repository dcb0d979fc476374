using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Etcdserverpb;
using FailoverDns.Configuration;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace FailoverDns.Server.Cluster;

/// <summary>
/// One connection to one etcd endpoint (dotnet-etcd's gRPC clients over our own channel, so that TLS,
/// deadlines and reconnection are ours to decide), authenticated when the config gives a user. A
/// session that fails is thrown away and the next one tries the next endpoint.
/// </summary>
public sealed class EtcdSession : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly ClusterOptions _options;
    private Metadata _headers = [];

    private EtcdSession(GrpcChannel channel, ClusterOptions options, Uri endpoint)
    {
        _channel = channel;
        _options = options;
        Endpoint = endpoint;
        Kv = new KV.KVClient(channel);
        Leases = new Lease.LeaseClient(channel);
        Watches = new Watch.WatchClient(channel);
    }

    public Uri Endpoint { get; }

    public KV.KVClient Kv { get; }

    public Lease.LeaseClient Leases { get; }

    public Watch.WatchClient Watches { get; }

    /// <summary>The lease this session's location and verdicts live under.</summary>
    public long LeaseId { get; private set; }

    /// <summary>Connects to <paramref name="endpoint"/>, logs in, and takes a lease of <c>cluster.leaseTtl</c>.</summary>
    public static async Task<EtcdSession> OpenAsync(ClusterOptions options, Uri endpoint, CancellationToken cancellationToken)
    {
        var session = new EtcdSession(GrpcChannel.ForAddress(endpoint, new GrpcChannelOptions
        {
            HttpHandler = Handler(options),
            Credentials = endpoint.Scheme == Uri.UriSchemeHttps ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure,
            MaxReceiveMessageSize = 64 << 20,
        }), options, endpoint);
        try
        {
            if (options.Username is not null)
            {
                var auth = new Auth.AuthClient(session._channel);
                var reply = await auth.AuthenticateAsync(new AuthenticateRequest { Name = options.Username, Password = options.Password }, session.Call(cancellationToken));
                session._headers = new Metadata { { "token", reply.Token } };
            }

            var lease = await session.Leases.LeaseGrantAsync(new LeaseGrantRequest { TTL = (long)Math.Ceiling(options.LeaseTtl.TotalSeconds) }, session.Call(cancellationToken));
            session.LeaseId = lease.ID;
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Options for a unary call: the login token and a deadline of <c>cluster.etcd.timeout</c>.</summary>
    public CallOptions Call(CancellationToken cancellationToken) =>
        new(_headers, DateTime.UtcNow + _options.Timeout, cancellationToken);

    /// <summary>Options for a stream (watch, keep-alive), which lives as long as the session.</summary>
    public CallOptions Stream(CancellationToken cancellationToken) => new(_headers, cancellationToken: cancellationToken);

    public Task<PutResponse> PutAsync(string key, byte[] value, long lease, CancellationToken cancellationToken) =>
        Kv.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFrom(value), Lease = lease }, Call(cancellationToken)).ResponseAsync;

    public Task<DeleteRangeResponse> DeleteAsync(string key, CancellationToken cancellationToken) =>
        Kv.DeleteRangeAsync(new DeleteRangeRequest { Key = ByteString.CopyFromUtf8(key) }, Call(cancellationToken)).ResponseAsync;

    /// <summary>Every key under <paramref name="prefix"/>, and the revision the read saw.</summary>
    public Task<RangeResponse> RangeAsync(string prefix, CancellationToken cancellationToken) =>
        Kv.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(prefix), RangeEnd = RangeEnd(prefix) }, Call(cancellationToken)).ResponseAsync;

    /// <summary>A lease of its own for a key that must outlive this session but end at a time (an override's).</summary>
    public async Task<long> GrantAsync(TimeSpan ttl, CancellationToken cancellationToken) =>
        (await Leases.LeaseGrantAsync(new LeaseGrantRequest { TTL = Math.Max(1, (long)Math.Ceiling(ttl.TotalSeconds)) }, Call(cancellationToken))).ID;

    /// <summary>The end of the key range of every key starting with <paramref name="prefix"/>: the prefix with its last byte plus one.</summary>
    public static ByteString RangeEnd(string prefix)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(prefix);
        bytes[^1]++;
        return ByteString.CopyFrom(bytes);
    }

    public void Dispose() => _channel.Dispose();

    private static SocketsHttpHandler Handler(ClusterOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.Timeout,
            EnableMultipleHttp2Connections = true,

            // HTTP/2 pings find a dead peer behind a quiet watch stream (a partition sends no reset).
            KeepAlivePingDelay = options.LeaseTtl / 3,
            KeepAlivePingTimeout = options.Timeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
        };
        if (options.CertFile is not null && options.KeyFile is not null)
        {
            handler.SslOptions.ClientCertificates = [X509Certificate2.CreateFromPemFile(options.CertFile, options.KeyFile)];
        }

        if (options.CaFile is not null)
        {
            var ca = X509CertificateLoader.LoadCertificateFromFile(options.CaFile);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => TrustedBy(ca, certificate, errors);
        }

        return handler;
    }

    /// <summary>etcd's certificate checked against the configured CA alone, the name as usual.</summary>
    private static bool TrustedBy(X509Certificate2 ca, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate as X509Certificate2 ?? new X509Certificate2(certificate));
    }
}
