using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OtlpGrains.Gateway.Federation;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Api;

/// <summary>
/// The JSON query API under <c>/api/v1</c>: services, one service, one service's mergeable windows and recent log
/// records, the service graph, kept traces.
/// </summary>
internal static class QueryApi
{
    public static readonly JsonSerializerOptions Json = CreateJsonOptions();

    public static void Map(IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1");
        api.MapGet("/services", ListServicesAsync);
        api.MapGet("/services/{**name}", GetServiceAsync);
        api.MapGet("/graph", GetGraphAsync);
        api.MapGet("/traces/{traceId}", GetTraceAsync);
    }

    private static async Task<IResult> ListServicesAsync(ServiceDirectory directory)
    {
        var summaries = await directory.SummariesAsync();
        return Results.Json(new { services = summaries.Select(s => s with { Model = s.Model ?? AnomalyModelRef.Builtin }) }, Json);
    }

    private const string WindowsSuffix = "/windows";

    // Service names may hold '/' (namespace/name), so the route is a catch-all and ".../windows" is told apart here:
    // a known service of that full name wins over the windows of its prefix.
    private static async Task<IResult> GetServiceAsync(string name, string? from, string? to, HttpRequest request, ServiceDirectory directory)
    {
        if (!TryParseTime(from, out var rangeStart) || !TryParseTime(to, out var rangeEnd))
        {
            return Error(StatusCodes.Status400BadRequest, "from and to must be RFC 3339 times, e.g. 2026-01-02T15:04:05Z");
        }

        if (rangeStart is not null && rangeEnd is not null && rangeEnd <= rangeStart)
        {
            return Error(StatusCodes.Status400BadRequest, "to must be after from");
        }

        var (services, edges) = await directory.GraphAsync();
        if (!services.Contains(name, StringComparer.Ordinal))
        {
            if (name.EndsWith(WindowsSuffix, StringComparison.Ordinal) && services.Contains(name[..^WindowsSuffix.Length], StringComparer.Ordinal))
            {
                return await GetWindowsAsync(name[..^WindowsSuffix.Length], rangeStart, rangeEnd, directory);
            }

            if (name.EndsWith(LogsApi.TemplatesSuffix, StringComparison.Ordinal) && services.Contains(name[..^LogsApi.TemplatesSuffix.Length], StringComparer.Ordinal))
            {
                return await LogsApi.GetTemplatesAsync(name[..^LogsApi.TemplatesSuffix.Length], rangeStart, rangeEnd, directory);
            }

            if (name.EndsWith(LogsApi.Suffix, StringComparison.Ordinal) && services.Contains(name[..^LogsApi.Suffix.Length], StringComparer.Ordinal))
            {
                return await LogsApi.GetLogsAsync(name[..^LogsApi.Suffix.Length], rangeStart, rangeEnd, request.Query, directory);
            }

            return Error(StatusCodes.Status404NotFound, $"service '{name}' has not been seen");
        }

        var detail = await directory.Service(name).GetDetailAsync(rangeStart, rangeEnd);
        var upstream = edges.Where(e => e.Server == name && !e.Virtual).ToArray();
        return Results.Json(new
        {
            detail.Name,
            detail.From,
            detail.To,
            detail.Spans,
            detail.Requests,
            detail.Errors,
            detail.LatencyMs,
            detail.Series,
            detail.Operations,
            detail.Downstream,
            Upstream = upstream,
            detail.Logs,
            detail.Metrics,
            detail.Totals,
            detail.AnomalyScore,
            detail.Status,
            Model = detail.Model ?? AnomalyModelRef.Builtin,
            detail.Traces,
        }, Json);
    }

    private static async Task<IResult> GetWindowsAsync(string name, DateTimeOffset? rangeStart, DateTimeOffset? rangeEnd, ServiceDirectory directory)
    {
        var windows = await directory.Service(name).GetWindowsAsync(rangeStart, rangeEnd);
        return Results.Json(new
        {
            name,
            from = rangeStart,
            to = rangeEnd,
            windows = windows.Select(w => new
            {
                w.Start,
                w.End,
                w.Spans,
                w.Requests,
                w.Errors,
                latency = Histogram(w.Latency),
                operations = w.Operations.Select(o => new { o.Name, o.Spans, o.Requests, o.Errors, latency = Histogram(o.Latency) }),
                callees = w.Callees.Select(c => new { c.Server, c.Virtual, c.Calls, c.Errors, latency = Histogram(c.Latency) }),
                w.Traces,
            }),
        }, Json);
    }

    // The gamma goes with every histogram, so that a reader can turn bucket i into (gamma^(i-1), gamma^i] ms unaided.
    private static object Histogram(HistogramSnapshot h) =>
        new { h.Offset, h.Counts, h.ZeroCount, h.Count, h.SumMs, HistogramSnapshot.Gamma };

    private static async Task<IResult> GetGraphAsync(ServiceDirectory directory)
    {
        var (services, edges) = await directory.GraphAsync();
        var nodes = services.Select(s => new GraphNode(s, false))
            .Concat(edges.Where(e => e.Virtual).Select(e => e.Server).Distinct(StringComparer.Ordinal)
                .Where(v => !services.Contains(v, StringComparer.Ordinal)).Select(v => new GraphNode(v, true)))
            .ToArray();
        return Results.Json(new { nodes, edges }, Json);
    }

    // federated=true on a cluster that is not federated answers as without it: this cluster is the whole federation.
    private static async Task<IResult> GetTraceAsync(string traceId, string? federated, IGrainFactory grains, FederationIdentity federation)
    {
        if (!TraceIds.IsValid(traceId))
        {
            return Error(StatusCodes.Status400BadRequest, TraceIds.Problem);
        }

        if (federated is not (null or "true" or "false"))
        {
            return Error(StatusCodes.Status400BadRequest, $"federated must be true or false, not '{federated}'");
        }

        if (federated == "true" && federation.Served)
        {
            return await FederationApi.TraceAsync(traceId.ToLowerInvariant(), grains);
        }

        var view = await grains.GetGrain<ITraceGrain>(traceId.ToLowerInvariant()).GetKeptAsync();
        return view is null
            ? Error(StatusCodes.Status404NotFound, $"trace {traceId} was not kept (tail sampling dropped it, it is not complete yet, or it was never seen)")
            : Results.Json(view, Json);
    }

    internal static IResult Error(int status, string reason) => Results.Json(new { error = reason }, Json, statusCode: status);

    private static bool TryParseTime(string? text, out DateTimeOffset? value)
    {
        value = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            value = parsed;
            return true;
        }

        return false;
    }

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.Converters.Add(new UtcTimeConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private sealed record GraphNode(string Name, bool Virtual);

    /// <summary>Writes times as RFC 3339 UTC (<c>...Z</c>), as the API promises.</summary>
    private sealed class UtcTimeConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
    }
}
