using System.Globalization;
using Microsoft.AspNetCore.Http;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Statistics;

namespace OtlpGrains.Gateway.Api;

/// <summary>
/// <c>GET /api/v1/services/{name}/logs?from=&amp;to=&amp;traceId=&amp;limit=</c>: the service's retained log
/// records (the last <c>RecentLogs.MaxRecords</c>, in memory), newest first. A bad <c>traceId</c> or <c>limit</c>
/// answers 400 with the reason.
/// </summary>
internal static class LogsApi
{
    public const string Suffix = "/logs";

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

        LogLine[] lines = await directory.Service(service).GetLogsAsync(new LogQuery(from, to, traceHigh, traceLow, limit));
        return Results.Json(new { service, records = lines.Select(View) }, QueryApi.Json);
    }

    private static object View(LogLine line) => new
    {
        time = UnixNanos.ToDateTimeOffset(line.TimeUnixNano),
        severityNumber = line.SeverityNumber,
        severityText = line.SeverityText,
        body = line.Body,
        traceId = line.HasTrace ? $"{line.TraceIdHigh:x16}{line.TraceIdLow:x16}" : null,
        spanId = line.SpanId != 0 ? $"{line.SpanId:x16}" : null,
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
