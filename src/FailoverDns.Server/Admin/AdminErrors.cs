using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace FailoverDns.Server.Admin;

/// <summary>
/// Every error the admin API answers carries an <see cref="ErrorView"/>: the ones the endpoints
/// write themselves, and those that ASP.NET Core would send with an empty body (no such route, a
/// method the route does not take, a body Kestrel refused).
/// </summary>
internal static class AdminErrors
{
    /// <summary>Far above the largest valid request (an override, a few hundred bytes), far below what would cost memory.</summary>
    public const long MaxRequestBodyBytes = 16 * 1024;

    public static IResult Result(int status, string message) =>
        Results.Json(new ErrorView(message), AdminJsonContext.Api.ErrorView, statusCode: status);

    public static Task WriteAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ErrorView(message), AdminJsonContext.Api.ErrorView);
    }

    /// <summary>Outermost in the pipeline, so that it sees what everything after it left empty.</summary>
    public static void UseErrorBodies(this WebApplication app) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            // Kestrel throws this from a body read: too large, or cut short.
            context.Response.Clear();
            await WriteAsync(context, e.StatusCode, Describe(context, e.StatusCode));
            return;
        }

        if (!context.Response.HasStarted && context.Response.StatusCode >= 400 && context.Response.ContentLength is null or 0)
        {
            await WriteAsync(context, context.Response.StatusCode, Describe(context, context.Response.StatusCode));
        }
    });

    private static string Describe(HttpContext context, int status)
    {
        var request = $"{context.Request.Method} {context.Request.Path}";
        return status switch
        {
            StatusCodes.Status404NotFound => $"no such endpoint: {request} (the README's Admin API section lists them)",
            StatusCodes.Status405MethodNotAllowed => $"{request}: this path takes {AllowedMethods(context)}",
            StatusCodes.Status413PayloadTooLarge => $"{request}: the body is larger than the admin API's limit of {MaxRequestBodyBytes} bytes",
            StatusCodes.Status415UnsupportedMediaType => $"{request}: the body must be JSON, sent with Content-Type: application/json",
            _ => $"{request}: {ReasonPhrases.GetReasonPhrase(status)}",
        };
    }

    private static string AllowedMethods(HttpContext context) =>
        context.Response.Headers.Allow.ToString() is { Length: > 0 } allow ? allow : "other methods";
}
