using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Api;

/// <summary>
/// <c>GET /api/v1/anomalies?since=&amp;service=</c>: the anomaly events the service grains keep, newest first, those
/// whose window ends after <c>since</c> (RFC 3339), of one service or of every service in the catalog.
/// </summary>
internal static class AnomaliesApi
{
    public static void Map(IEndpointRouteBuilder routes) => routes.MapGet("/api/v1/anomalies", ListAsync);

    private static async Task<IResult> ListAsync(string? since, string? service, ServiceDirectory directory)
    {
        DateTimeOffset? after = null;
        if (!string.IsNullOrEmpty(since))
        {
            if (!DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            {
                return Results.Json(new { error = $"since must be an RFC 3339 time, e.g. 2026-01-02T15:04:05Z, not '{since}'" }, QueryApi.Json, statusCode: StatusCodes.Status400BadRequest);
            }

            after = parsed;
        }

        string[] names = await directory.NamesAsync();
        if (!string.IsNullOrEmpty(service))
        {
            if (!names.Contains(service, StringComparer.Ordinal))
            {
                return Results.Json(new { error = $"service '{service}' has not been seen" }, QueryApi.Json, statusCode: StatusCodes.Status404NotFound);
            }

            names = [service];
        }

        var perService = await Task.WhenAll(names.Select(n => directory.Service(n).GetAnomaliesAsync(after).AsTask()));
        var anomalies = perService.SelectMany(a => a)
            .OrderByDescending(a => a.WindowEnd)
            .ThenBy(a => a.Service, StringComparer.Ordinal)
            .Select(View);
        return Results.Json(new { anomalies }, QueryApi.Json);
    }

    /// <summary>
    /// One event as the API shows it. A threshold not calibrated yet is +infinity (a log event the new-ERROR-template
    /// rule raised before its service's threshold had verdicts), which JSON cannot hold: it is shown as null.
    /// </summary>
    internal static object View(AnomalyEvent a) => new
    {
        a.Id,
        a.Service,
        a.Signal,
        a.Signals,
        a.Score,
        a.Severity,
        Threshold = double.IsFinite(a.Threshold) ? a.Threshold : (double?)null,
        a.WindowStart,
        a.WindowEnd,
        a.DetectedAt,
        a.Onset,
        a.Held,
        templates = a.Templates.Select(t => new { t.Id, template = t.Text, t.Severity, t.Count, t.New }),
        Model = new { a.Model.Name, a.Model.Version },
    };
}
