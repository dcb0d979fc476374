using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FailoverDns.Server.Admin;

/// <summary>
/// The status page at <c>GET /</c>: one HTML file (StatusPage.html, embedded) whose script reads the
/// admin API. It is served without the token, as it carries no data; the script asks for the token
/// and sends it as a bearer header, never in a URL.
/// </summary>
internal static partial class StatusPage
{
    public const string Path = "/";

    private static readonly Lazy<(byte[] Html, string Policy)> Page = new(Load);

    public static void MapStatusPage(this WebApplication app) => app.MapGet(Path, (HttpContext context) =>
    {
        var (html, policy) = Page.Value;
        var headers = context.Response.Headers;

        // Only its own inline style and script run, it talks only to this API, and no other site can
        // frame it (a framed page could be made to click through an override).
        headers.ContentSecurityPolicy = policy;
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
        return Results.Bytes(html, "text/html; charset=utf-8");
    });

    private static (byte[] Html, string Policy) Load()
    {
        using var stream = typeof(StatusPage).Assembly.GetManifestResourceStream("FailoverDns.Server.Admin.StatusPage.html")
            ?? throw new InvalidOperationException("the status page is not embedded in the assembly");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var html = reader.ReadToEnd();

        // Hashes of the inline blocks rather than 'unsafe-inline': an injected script would not run.
        var style = Hash(StyleBlock().Match(html));
        var script = Hash(ScriptBlock().Match(html));
        var policy = $"default-src 'none'; style-src '{style}'; script-src '{script}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        return (Encoding.UTF8.GetBytes(html), policy);
    }

    private static string Hash(Match block) => block.Success
        ? "sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(block.Groups[1].Value)))
        : throw new InvalidOperationException("the status page lacks its <style> or <script> block");

    [GeneratedRegex("<style>(.*?)</style>", RegexOptions.Singleline)]
    private static partial Regex StyleBlock();

    [GeneratedRegex("<script>(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex ScriptBlock();
}
