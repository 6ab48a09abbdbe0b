using Grpc.Core;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace OtlpGrains.Evaluate.Replay;

/// <summary>
/// Splits export requests by their resources' <c>service.name</c> over several endpoints: a deployment of services
/// over several clusters, each service sending to its own cluster. A service without a route goes to the default.
/// </summary>
internal sealed class ServiceRoutes(CallInvoker fallback, Func<string, CallInvoker?> route)
{
    public IEnumerable<(CallInvoker To, ExportTraceServiceRequest Request, int Items)> Split(ExportTraceServiceRequest request) =>
        request.ResourceSpans.GroupBy(r => To(r.Resource)).Select(g =>
        {
            var part = new ExportTraceServiceRequest();
            part.ResourceSpans.AddRange(g);
            return (g.Key, part, g.Sum(r => r.ScopeSpans.Sum(s => s.Spans.Count)));
        });

    public IEnumerable<(CallInvoker To, ExportLogsServiceRequest Request, int Items)> Split(ExportLogsServiceRequest request) =>
        request.ResourceLogs.GroupBy(r => To(r.Resource)).Select(g =>
        {
            var part = new ExportLogsServiceRequest();
            part.ResourceLogs.AddRange(g);
            return (g.Key, part, g.Sum(r => r.ScopeLogs.Sum(s => s.LogRecords.Count)));
        });

    public IEnumerable<(CallInvoker To, ExportMetricsServiceRequest Request, int Items)> Split(ExportMetricsServiceRequest request) =>
        request.ResourceMetrics.GroupBy(r => To(r.Resource)).Select(g =>
        {
            var part = new ExportMetricsServiceRequest();
            part.ResourceMetrics.AddRange(g);
            return (g.Key, part, g.Sum(r => r.ScopeMetrics.Sum(s => s.Metrics.Sum(OtlpTimes.Points))));
        });

    private CallInvoker To(Resource? resource)
    {
        var name = resource?.Attributes.FirstOrDefault(a => a.Key == "service.name")?.Value?.StringValue;
        return name is null ? fallback : route(name) ?? fallback;
    }
}
