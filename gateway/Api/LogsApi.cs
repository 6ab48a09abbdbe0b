using System.Globalization;
using Microsoft.AspNetCore.Http;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Statistics;

namespace OtlpGrains.Gateway.Api;

/// <summary>
/// <c>GET /api/v1/services/{name}/logs?from=&amp;to=&amp;template=&amp;traceId=&amp;limit=</c>: the service's retained
/// log records (the last <c>RecentLogs.MaxRecords</c>, in memory), newest first; and
/// <c>GET /api/v1/services/{name}/logs/templates?from=&amp;to=</c>: its log templates with their counts, scores and
/// exemplars. A bad parameter answers 400 with the reason.
/// </summary>
internal static class LogsApi
{
    public const string Suffix = "/logs";

    public const string TemplatesSuffix = "/logs/templates";

    public static async Task<IResult> GetTemplatesAsync(string service, DateTimeOffset? from, DateTimeOffset? to, ServiceDirectory directory)
    {
        LogTemplateSummary[] templates = await directory.Service(service).GetLogTemplatesAsync(from, to);
        return Results.Json(new
        {
            service,
            templates = templates.Select(t => new
            {
                t.Id,
                template = t.Template,
                t.Count,
                t.FirstSeen,
                t.LastSeen,
                t.Severity,
                t.Score,
                exemplars = t.Exemplars.Select(e => new
                {
                    time = UnixNanos.ToDateTimeOffset(e.TimeUnixNano),
                    body = e.Body,
                    traceId = TraceIdOf(e),
                    spanId = SpanIdOf(e),
                }),
            }),
        }, QueryApi.Json);
    }

    public static async Task<IResult> GetLogsAsync(
        string service, DateTimeOffset? from, DateTimeOffset? to, IQueryCollection query, ServiceDirectory directory)
    {
        string? traceText = query["traceId"];
        ulong traceHigh = 0, traceLow = 0;
        if (!string.IsNullOrEmpty(traceText) && !TryParseTraceId(traceText, out traceHigh, out traceLow))
        {
            return QueryApi.Error(StatusCodes.Status400BadRequest, "traceId must be 32 hex characters and not all zero");
        }

        string? limitText = query["limit"];
        int limit = LogQuery.DefaultLimit;
        if (!string.IsNullOrEmpty(limitText) &&
            (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > LogQuery.MaxLimit))
        {
            return QueryApi.Error(StatusCodes.Status400BadRequest, $"limit must be an integer in [1, {LogQuery.MaxLimit}]");
        }

        string? templateText = query["template"];
        int? template = null;
        if (!string.IsNullOrEmpty(templateText))
        {
            if (!int.TryParse(templateText, NumberStyles.None, CultureInfo.InvariantCulture, out int id))
            {
                return QueryApi.Error(StatusCodes.Status400BadRequest, "template must be a template id (a non-negative integer)");
            }

            template = id;
        }

        RetainedLog[] records = await directory.Service(service).GetLogsAsync(new LogQuery(from, to, traceHigh, traceLow, limit) { Template = template });
        return Results.Json(new { service, records = records.Select(View) }, QueryApi.Json);
    }

    private static string? TraceIdOf(LogLine line) => line.HasTrace ? $"{line.TraceIdHigh:x16}{line.TraceIdLow:x16}" : null;

    private static string? SpanIdOf(LogLine line) => line.SpanId != 0 ? $"{line.SpanId:x16}" : null;

    private static object View(RetainedLog record) => View(record.Line, record.Template);

    private static object View(LogLine line, int template) => new
    {
        time = UnixNanos.ToDateTimeOffset(line.TimeUnixNano),
        severityNumber = line.SeverityNumber,
        severityText = line.SeverityText,
        body = line.Body,
        template,
        traceId = TraceIdOf(line),
        spanId = SpanIdOf(line),
        attributes = line.Attributes?.DistinctBy(a => a.Key, StringComparer.Ordinal).ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal),
    };

    private static bool TryParseTraceId(string text, out ulong high, out ulong low)
    {
        high = low = 0;
        return text.Length == 32 &&
               ulong.TryParse(text.AsSpan(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out high) &&
               ulong.TryParse(text.AsSpan(16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out low) &&
               (high | low) != 0;
    }
}
