using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Net;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace OtlpGrains.AgentBench;

/// <summary>
/// An OTLP/gRPC endpoint that accepts traces and metrics and only counts them, so the agent's exports cost the
/// machine as little as possible during the benchmark (a silo would compete with the agent for the 2 cores).
/// </summary>
internal sealed class OtlpSink : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpSink(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public SinkCounters Counters => _app.Services.GetRequiredService<SinkCounters>();

    public static async Task<OtlpSink> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<SinkCounters>();
        WebApplication app = builder.Build();
        app.MapGrpcService<TraceSink>();
        app.MapGrpcService<MetricsSink>();
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new OtlpSink(app, new Uri(address).Port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class TraceSink(SinkCounters counters) : TraceService.TraceServiceBase
    {
        public override Task<ExportTraceServiceResponse> Export(ExportTraceServiceRequest request, ServerCallContext context)
        {
            counters.AddSpans(request.ResourceSpans.Sum(r => r.ScopeSpans.Sum(s => s.Spans.Count)));
            return Task.FromResult(new ExportTraceServiceResponse());
        }
    }

    private sealed class MetricsSink(SinkCounters counters) : MetricsService.MetricsServiceBase
    {
        public override Task<ExportMetricsServiceResponse> Export(ExportMetricsServiceRequest request, ServerCallContext context)
        {
            counters.AddMetrics(request.ResourceMetrics.Sum(r => r.ScopeMetrics.Sum(s => s.Metrics.Count)));
            return Task.FromResult(new ExportMetricsServiceResponse());
        }
    }
}
