using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FailoverDns.Configuration;

namespace FailoverDns.Server.Hosting.Cli;

/// <summary>An answer of the admin API that the command can use; anything else has been reported already.</summary>
internal sealed record AdminAnswer(HttpStatusCode Status, string Body);

/// <summary>
/// The running server's admin API as the operator commands call it: at <c>--admin URL</c>, else
/// <c>$FAILOVERDNS_ADMIN_LISTEN</c>, else the config's <c>admin.listen</c>, else http://127.0.0.1:8053; with
/// <c>--token</c>, else <c>$FAILOVERDNS_ADMIN_TOKEN</c>, else the config's <c>admin.token</c>.
/// </summary>
internal sealed class AdminClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly CliContext _context;

    public AdminClient(Uri baseAddress, string? token, CliContext context)
    {
        _context = context;
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
        if (token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public Uri BaseAddress => _http.BaseAddress!;

    public void Dispose() => _http.Dispose();

    /// <summary>
    /// Where the API is and its token. Null, with the reason, when <paramref name="admin"/> is not a URL
    /// or the config turns the API off and nothing else names it.
    /// </summary>
    public static (Uri? BaseAddress, string? Token) Resolve(string? admin, string? token, string? configPath, Func<string, string?> environment, out string? problem)
    {
        problem = null;
        token ??= environment(AdminOptions.TokenVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
        if (admin is null && environment(CommandLine.AdminListenVariable) is { Length: > 0 } listen)
        {
            if (!CommandLine.TryParseListen(CommandLine.AdminListenVariable, listen, out var endpoint, out problem, AdminOptions.DefaultListen.Port))
            {
                return (null, token);
            }

            admin = UrlOf(endpoint);
        }

        if (admin is null || token is null)
        {
            // The config is read only for what the command line and the environment left open.
            var path = CommandLine.ConfigPathOf(configPath, environment);
            var config = File.Exists(path) ? ConfigLoader.Load(path, environment).Config : null;
            if (config is not null)
            {
                token ??= config.Admin.Token;
                if (admin is null && config.Admin.Listen is null)
                {
                    problem = $"the admin API is off in {path} (admin: {{ enabled: false }}); give --admin URL";
                    return (null, token);
                }

                admin ??= UrlOf(config.Admin.Listen!);
            }
        }

        admin ??= UrlOf(AdminOptions.DefaultListen);
        var text = admin.Contains("://", StringComparison.Ordinal) ? admin : "http://" + admin;
        if (!Uri.TryCreate(text.TrimEnd('/') + "/", UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            problem = $"--admin: '{admin}' is not an http:// or https:// URL (e.g. http://127.0.0.1:8053)";
            return (null, token);
        }

        return (uri, token);
    }

    /// <summary>The URL to reach an API listening on <paramref name="endpoint"/>: the loopback address when it listens on any address.</summary>
    private static string UrlOf(IPEndPoint endpoint)
    {
        var address = endpoint.Address.Equals(IPAddress.Any) ? IPAddress.Loopback
            : endpoint.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback
            : endpoint.Address;
        return $"http://{new IPEndPoint(address, endpoint.Port)}";
    }

    /// <summary>
    /// Sends the request. A success (or a status in <paramref name="alsoUsable"/>) is returned; any other answer,
    /// or none, is written as one line on standard error and null returned.
    /// </summary>
    public async Task<AdminAnswer?> SendAsync(HttpMethod method, string path, string? json = null, params HttpStatusCode[] alsoUsable)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        try
        {
            using var response = await _http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode || alsoUsable.Contains(response.StatusCode))
            {
                return new AdminAnswer(response.StatusCode, body);
            }

            var hint = response.StatusCode == HttpStatusCode.Unauthorized ? $" (give --token, or set ${AdminOptions.TokenVariable})" : "";
            await _context.Error.WriteLineAsync($"failoverdns: {method} {request.RequestUri}: {(int)response.StatusCode} {response.ReasonPhrase}: {ErrorOf(body)}{hint}");
            return null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            var why = e is TaskCanceledException ? $"no answer within {_http.Timeout.TotalSeconds:0} s" : e.Message;
            await _context.Error.WriteLineAsync($"failoverdns: the admin API at {BaseAddress} does not answer ({why}); is the server running there? (give --admin URL)");
            return null;
        }
    }

    /// <summary>The <c>error</c> of an <c>{"error": …}</c> body, else the body itself on one line.</summary>
    private static string ErrorOf(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
            {
                return error.GetString()!;
            }
        }
        catch (JsonException)
        {
        }

        var line = body.ReplaceLineEndings(" ").Trim();
        return line.Length == 0 ? "(no body)" : line;
    }
}
