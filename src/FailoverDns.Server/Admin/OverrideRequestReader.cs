using System.Globalization;
using System.Text.Json;
using FailoverDns.Configuration;
using FailoverDns.Health.Checks;
using FailoverDns.Health.State;
using Microsoft.AspNetCore.Http;

namespace FailoverDns.Server.Admin;

/// <summary>
/// Reads and checks the body of <c>PUT /api/health-checks/{name}/override</c>, so that each way it
/// can be wrong is answered with what was wrong (the framework's own binding answers with an empty body).
/// </summary>
internal static class OverrideRequestReader
{
    private const string Example = """{"state": "unhealthy", "until": "2026-12-01T06:00:00Z", "reason": "maintenance"}""";

    /// <summary>The request, or the error to answer with.</summary>
    public static async Task<(OverrideRequest? Request, IResult? Error)> ReadAsync(HttpRequest request)
    {
        if (!request.HasJsonContentType())
        {
            var given = string.IsNullOrEmpty(request.ContentType) ? "none" : request.ContentType;
            return (null, AdminErrors.Result(StatusCodes.Status415UnsupportedMediaType, $"the body must be JSON sent with Content-Type: application/json (given: {given}), such as {Example}"));
        }

        try
        {
            var body = await request.ReadFromJsonAsync(AdminJsonContext.Api.OverrideRequest, request.HttpContext.RequestAborted);
            return body is null
                ? (null, AdminErrors.Result(StatusCodes.Status400BadRequest, $"the body must be a JSON object such as {Example}"))
                : (body, null);
        }
        catch (JsonException e)
        {
            // The exception's own message names .NET types; its path and position are what a caller can act on.
            var at = e.Path is null or "$" ? "" : $" at {e.Path}";
            var line = (e.LineNumber ?? 0) + 1;
            var column = (e.BytePositionInLine ?? 0) + 1;
            return (null, AdminErrors.Result(StatusCodes.Status400BadRequest, $"the body is not a valid override{at} (line {line}, byte {column}): expected a JSON object such as {Example}, with no other keys"));
        }
    }

    /// <summary>Null when <paramref name="request"/> can be applied, else what is wrong with it.</summary>
    public static string? Problem(OverrideRequest request, DateTimeOffset now, TimeSpan maxOverride, out HealthStatus state)
    {
        if (!HealthStatusNames.TryParse(request.State, out state))
        {
            return request.State is null
                ? "'state' is missing: give \"healthy\" or \"unhealthy\""
                : "'state' must be \"healthy\" or \"unhealthy\"";
        }

        if (request.Until is { } until)
        {
            if (until <= now)
            {
                return "'until' is in the past";
            }

            // A far-off until (year 9999) is a typo or a forgotten override; without one, it lasts until deleted on purpose.
            var latest = now + maxOverride;
            if (until > latest)
            {
                return $"'until' may be at most {Format(maxOverride)} ahead (admin.maxOverride), so no later than {latest.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}";
            }
        }

        return request.Reason is null ? null : OverrideReason.Problem(request.Reason);
    }

    private static string Format(TimeSpan duration) => duration.Ticks % TimeSpan.TicksPerDay == 0
        ? FormattableString.Invariant($"{duration.TotalDays:0}d")
        : DurationParser.Format(duration);
}
