namespace OtlpGrains.Silo.Tests.Replay;

/// <summary>
/// OTLP/JSON written by hand in the specification's format (the Collector's <c>file</c> exporter writes the same):
/// lowerCamelCase keys, hex trace and span ids, nanosecond times as strings, enums as integers.
/// </summary>
internal static class OtlpJsonSamples
{
    public const string TraceId = "5b8efff798038103d269b633813fc60c";
    public const string ServerSpanId = "eee19b7ec3c1b174";
    public const string ClientSpanId = "0102040810204080";

    public const long MetricAt = 1_733_349_990_000_000_000;
    public const long SpanStart = 1_733_350_000_000_000_000;
    public const long SpanEnd = 1_733_350_000_250_000_000;
    public const long LogAt = 1_733_350_005_000_000_000;

    /// <summary>A trace request (an error SERVER span with a CLIENT child) and, a blank line later, a log request: JSON Lines.</summary>
    public static string Lines(string service) =>
        $$$"""
        {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"{{{service}}}"}}]},"scopeSpans":[{"scope":{"name":"recorded"},"spans":[{"traceId":"{{{TraceId}}}","spanId":"{{{ServerSpanId}}}","parentSpanId":"","name":"GET /cart","kind":2,"startTimeUnixNano":"{{{SpanStart}}}","endTimeUnixNano":"{{{SpanEnd}}}","attributes":[{"key":"http.route","value":{"stringValue":"/cart"}},{"key":"http.response.status_code","value":{"intValue":"503"}}],"events":[{"timeUnixNano":"{{{SpanStart + 1000}}}","name":"retry"}],"status":{"code":2,"message":"cart store down"}},{"traceId":"{{{TraceId}}}","spanId":"{{{ClientSpanId}}}","parentSpanId":"{{{ServerSpanId}}}","name":"redis GET","kind":3,"startTimeUnixNano":"{{{SpanStart + 1_000_000}}}","endTimeUnixNano":"{{{SpanEnd - 1_000_000}}}","attributes":[{"key":"db.system","value":{"stringValue":"redis"}}]}]}]}]}

        {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"{{{service}}}"}}]},"scopeLogs":[{"logRecords":[{"timeUnixNano":"{{{LogAt}}}","severityNumber":17,"severityText":"ERROR","body":{"stringValue":"cart store down"},"traceId":"{{{TraceId}}}","spanId":"{{{ServerSpanId}}}","attributes":[{"key":"retries","value":{"intValue":"3"}}]}]}]}]}
        """;

    /// <summary>A metric request, pretty-printed: one object spread over a file, older than the lines.</summary>
    public static string Pretty(string service) =>
        $$$"""
        {
          "resourceMetrics": [
            {
              "resource": { "attributes": [ { "key": "service.name", "value": { "stringValue": "{{{service}}}" } } ] },
              "scopeMetrics": [
                {
                  "metrics": [
                    {
                      "name": "process.cpu.utilization",
                      "gauge": { "dataPoints": [ { "timeUnixNano": "{{{MetricAt}}}", "asDouble": 0.93 } ] }
                    }
                  ]
                }
              ]
            }
          ]
        }
        """;
}
