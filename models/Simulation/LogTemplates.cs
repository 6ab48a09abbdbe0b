using System.Globalization;

namespace OtlpGrains.Models.Simulation;

/// <summary>
/// The fixed set of log lines a simulated service writes: two INFO lines per request, a WARN for a slow call or a
/// retry, and an ERROR naming the trace and span for a failure. Variable parts are numbers and names, as a
/// template miner expects.
/// </summary>
public static class LogTemplates
{
    public const int Info = 9;
    public const int Warn = 13;
    public const int Error = 17;

    /// <summary>Calls slower than this get a WARN line from their caller.</summary>
    public const double SlowCallMs = 250;

    public static string Received(string operation, long requestId) =>
        string.Create(CultureInfo.InvariantCulture, $"Received {operation} request id={requestId}");

    public static string Completed(string operation, double ms) =>
        string.Create(CultureInfo.InvariantCulture, $"Completed {operation} in {ms:0.0} ms");

    public static string SlowCall(string target, double ms) =>
        string.Create(CultureInfo.InvariantCulture, $"Slow call to {target} took {ms:0} ms");

    public static string Retrying(string target, int attempt) =>
        string.Create(CultureInfo.InvariantCulture, $"Retrying call to {target} attempt {attempt} after HTTP 500");

    /// <summary>The service's own failure: an exception in its handler.</summary>
    public static string Exception(string operation, string traceId, string spanId, long recordId) =>
        string.Create(CultureInfo.InvariantCulture, $"Request {operation} failed: java.lang.IllegalStateException: record {recordId} is locked trace_id={traceId} span_id={spanId}");

    /// <summary>A failure passed up from a callee.</summary>
    public static string Downstream(string operation, string target, string traceId, string spanId) =>
        string.Create(CultureInfo.InvariantCulture, $"Request {operation} failed: call to {target} returned HTTP 500 trace_id={traceId} span_id={spanId}");

    /// <summary>A failed query on an uninstrumented database.</summary>
    public static string Query(string database, string traceId, string spanId) =>
        string.Create(CultureInfo.InvariantCulture, $"Query on {database} failed: connection reset by peer trace_id={traceId} span_id={spanId}");

    /// <summary>A saturated instance's warning that its work queue backs up.</summary>
    public static string Backlog(int queued) =>
        string.Create(CultureInfo.InvariantCulture, $"Worker pool saturated, {queued} tasks queued");
}
