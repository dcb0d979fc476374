using System.Security.Cryptography;
using System.Text;
using FailoverDns.Configuration;
using FailoverDns.Health.State;
using FailoverDns.Server.HealthOverrides;
using FailoverDns.Server.Lifecycle;
using FailoverDns.Server.Metrics;
using FailoverDns.Server.Reload;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FailoverDns.Server.Admin;

/// <summary>The admin HTTP API: health and readiness, checks, record sets, explain, overrides, history, metrics, and the status page.</summary>
public static class AdminEndpoints
{
    public static void MapAdminApi(this WebApplication app, AdminOptions admin, string? token)
    {
        app.UseErrorBodies();

        // Before the token: a page that rebound a name to this address is refused whatever it sends.
        var hosts = new AdminHostPolicy(admin.Listen!, admin.AllowedHosts);
        app.Use((context, next) => hosts.Allows(context.Request.Host.Host) ? next(context) : MisdirectedHost(context, admin));
        if (token is not null)
        {
            app.Use((context, next) => Authorized(context, token) ? next(context) : Unauthorized(context));
        }

        var json = AdminJsonContext.Api;
        app.MapStatusPage();
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", (ReadinessState readiness, HealthStateStore health, IServiceProvider services) =>
        {
            var view = ReadinessReport.Build(readiness.ListenersBound, readiness.Answering, health.FirstRoundComplete, readiness.LastReload, services.GetService<Cluster.ClusterService>());
            return Results.Json(view, json.ReadinessView, statusCode: view.Ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });

        app.MapMetrics();

        var api = app.MapGroup("/api");
        api.MapPost("/reload", (IServiceProvider services, ReadinessState readiness) =>
        {
            if (services.GetService<ConfigChangeSource>() is not { } changes)
            {
                return Results.Json(new ErrorView("this server was not started from a config file"), json.ErrorView, statusCode: StatusCodes.Status409Conflict);
            }

            var succeeded = changes.ReloadNow("admin API");
            return Results.Json(readiness.LastReload!, json.ReloadOutcome, statusCode: succeeded ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);
        });
        // The errors of the last reload, behind the token (unlike /readyz, which only counts them).
        api.MapGet("/reload", (ReadinessState readiness) =>
            readiness.LastReload is { } outcome
                ? Results.Json(outcome, json.ReloadOutcome)
                : NotFound("no reload has happened since start-up"));
        api.MapGet("/health-checks", (AdminViewFactory views) => Results.Json(views.HealthChecks(), json.IReadOnlyListHealthCheckView));
        api.MapGet("/health-checks/{name}", (string name, AdminViewFactory views) =>
            views.HealthCheck(name) is { } view ? Results.Json(view, json.HealthCheckView) : NotFound($"no health check named '{name}'"));
        api.MapPut("/health-checks/{name}/override", async Task<IResult> (string name, HttpRequest http, OverrideService overrides, AdminViewFactory views, TimeProvider time) =>
        {
            var (request, error) = await OverrideRequestReader.ReadAsync(http);
            if (request is null)
            {
                return error!;
            }

            if (OverrideRequestReader.Problem(request, time.GetUtcNow(), admin.MaxOverride, out var state) is { } problem)
            {
                return BadRequest(problem);
            }

            return await ClusterWrite(() => overrides.SetAsync(name, state, request.Until, request.Reason ?? "", http.HttpContext.RequestAborted), name, views);
        });
        api.MapDelete("/health-checks/{name}/override", (string name, HttpRequest http, OverrideService overrides, AdminViewFactory views) =>
            ClusterWrite(() => overrides.ClearAsync(name, http.HttpContext.RequestAborted), name, views));
        api.MapGet("/transfers", (Transfer.SecondaryStatus secondaries) => Results.Json(secondaries.All, json.IReadOnlyListSecondaryView));
        api.MapGet("/cluster", (AdminViewFactory views) =>
            views.Cluster() is { } view ? Results.Json(view, json.ClusterView) : NotFound("cluster mode is off: this instance has no cluster section"));
        api.MapGet("/records", (AdminViewFactory views) => Results.Json(views.RecordSets(), json.IReadOnlyListRecordSetView));
        api.MapGet("/explain", (string? name, string? type, ExplainService explain) =>
            name is null
                ? BadRequest("give ?name=…&type=…")
                : explain.Explain(name, type ?? "A") is { } view ? Results.Json(view, json.ExplainView) : BadRequest($"'{name}' or '{type}' is not a valid name and type"));
        api.MapGet("/history", (StatusHistory history) => Results.Json(history.Changes(), json.HistoryView));
        api.MapGet("/history/latency", (StatusHistory history) => Results.Json(history.Latency(), json.LatencyHistoryView));
    }

    /// <summary>An override change, and the check as it is afterwards; 503 when the cluster's etcd or the state file cannot take it.</summary>
    private static async Task<IResult> ClusterWrite(Func<Task<bool>> write, string name, AdminViewFactory views)
    {
        try
        {
            return await write()
                ? Results.Json(views.HealthCheck(name)!, AdminJsonContext.Api.HealthCheckView)
                : NotFound($"no health check named '{name}'");
        }
        catch (Cluster.ClusterUnavailableException e)
        {
            return AdminErrors.Result(StatusCodes.Status503ServiceUnavailable, $"the override was not changed: {e.Message}; overrides are cluster-wide and need etcd");
        }
        catch (HealthOverrides.StateFileUnwritableException e)
        {
            return AdminErrors.Result(StatusCodes.Status503ServiceUnavailable, $"the override was not changed: {e.Message}, so it would not survive a restart; fix admin.stateFile or its directory's permissions");
        }
    }

    private static bool Authorized(HttpContext context, string token)
    {
        // Liveness and readiness stay open for container and orchestrator probes; the status page
        // holds no data (it asks for the token and sends it with each API call it makes).
        if (context.Request.Path.Value is "/healthz" or "/readyz" or StatusPage.Path)
        {
            return true;
        }

        var header = context.Request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        return header.StartsWith(Scheme, StringComparison.Ordinal)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[Scheme.Length..]), Encoding.UTF8.GetBytes(token));
    }

    private static Task Unauthorized(HttpContext context)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return AdminErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, "a bearer token is required (Authorization: Bearer <admin.token>)");
    }

    // 421 Misdirected Request (RFC 9110 §15.5.20): this server is not the one for that name.
    private static Task MisdirectedHost(HttpContext context, AdminOptions admin) =>
        AdminErrors.WriteAsync(context, StatusCodes.Status421MisdirectedRequest, $"the admin API on {admin.Listen} does not answer to the Host '{context.Request.Host.Host}': call it by its address, or add the name to admin.allowedHosts");

    private static IResult NotFound(string message) => AdminErrors.Result(StatusCodes.Status404NotFound, message);

    private static IResult BadRequest(string message) => AdminErrors.Result(StatusCodes.Status400BadRequest, message);
}
