using System.Diagnostics.Metrics;
using System.Net;
using FailoverDns.Server.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace FailoverDns.Server.Tests.Support;

/// <summary>
/// The server's metrics export on its own (<see cref="MetricsExport"/>, as the host wires it) on a
/// loopback port: instruments made from <see cref="Meters"/> are read by the OpenTelemetry SDK and
/// scraped from <c>GET /metrics</c> as Prometheus does.
/// </summary>
internal sealed class MetricsHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _http;

    private MetricsHost(WebApplication app, Uri address)
    {
        _app = app;
        _http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
    }

    public IMeterFactory Meters => _app.Services.GetRequiredService<IMeterFactory>();

    public static async Task<MetricsHost> StartAsync()
    {
        var web = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        web.Services.AddMetrics();
        web.Services.AddMetricsExport(prometheus: true, otlp: false, MetricsExport.CardinalityLimit(0, 0));
        web.Services.AddRoutingCore();
        web.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = web.Build();
        app.MapMetrics();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new MetricsHost(app, new Uri(address));
    }

    public async Task<string> ScrapeTextAsync()
    {
        using var response = await _http.GetAsync(MetricsExport.ScrapePath);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    public async Task<PrometheusScrape> ScrapeAsync() => PrometheusScrape.Parse(await ScrapeTextAsync());

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
