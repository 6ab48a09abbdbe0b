using Google.Protobuf;
using Grpc.Core;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace OtlpGrains.Silo.Tests.Replay;

/// <summary>
/// A gRPC call invoker that stands in for the gateway: it records each export with the (fake) time it was sent,
/// refuses the first <c>failFirst</c> calls with UNAVAILABLE, and acknowledges the rest.
/// </summary>
internal sealed class RecordingOtlpInvoker(TimeProvider time, int failFirst = 0) : CallInvoker
{
    private int _calls;

    public List<(DateTimeOffset At, IMessage Request)> Sent { get; } = [];

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        Task<TResponse> response;
        lock (Sent)
        {
            if (_calls++ < failFirst)
            {
                response = Task.FromException<TResponse>(new RpcException(new Status(StatusCode.Unavailable, "grains busy")));
            }
            else
            {
                Sent.Add((time.GetUtcNow(), (IMessage)request!));
                response = Task.FromResult(Acknowledgement<TResponse>());
            }
        }

        return new AsyncUnaryCall<TResponse>(response, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new NotSupportedException();

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new NotSupportedException();

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException();

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException();

    private static TResponse Acknowledgement<TResponse>() => typeof(TResponse) switch
    {
        var t when t == typeof(ExportTraceServiceResponse) => (TResponse)(object)new ExportTraceServiceResponse(),
        var t when t == typeof(ExportLogsServiceResponse) => (TResponse)(object)new ExportLogsServiceResponse(),
        var t when t == typeof(ExportMetricsServiceResponse) => (TResponse)(object)new ExportMetricsServiceResponse(),
        var t => throw new NotSupportedException($"no acknowledgement for {t.Name}"),
    };
}
