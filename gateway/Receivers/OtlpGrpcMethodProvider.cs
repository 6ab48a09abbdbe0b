using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OtlpGrains.Gateway.Ingest;

namespace OtlpGrains.Gateway.Receivers;

/// <summary>
/// Declares the three OTLP <c>Export</c> methods with our own marshallers: a body that does not parse becomes
/// INVALID_ARGUMENT with a one-line reason, and is counted as malformed.
/// </summary>
internal sealed class OtlpGrpcMethodProvider(IngestPipeline pipeline) : IServiceMethodProvider<OtlpGrpcReceiver>
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<OtlpGrpcReceiver> context)
    {
        context.AddUnaryMethod(
            Export("opentelemetry.proto.collector.trace.v1.TraceService", ExportTraceServiceRequest.Parser, Signal.Traces, ExportTraceServiceResponse.Parser),
            [],
            (receiver, request, call) => receiver.ExportTracesAsync(request, call));
        context.AddUnaryMethod(
            Export("opentelemetry.proto.collector.metrics.v1.MetricsService", ExportMetricsServiceRequest.Parser, Signal.Metrics, ExportMetricsServiceResponse.Parser),
            [],
            (receiver, request, call) => receiver.ExportMetricsAsync(request, call));
        context.AddUnaryMethod(
            Export("opentelemetry.proto.collector.logs.v1.LogsService", ExportLogsServiceRequest.Parser, Signal.Logs, ExportLogsServiceResponse.Parser),
            [],
            (receiver, request, call) => receiver.ExportLogsAsync(request, call));
    }

    private Method<TRequest, TResponse> Export<TRequest, TResponse>(string service, MessageParser<TRequest> requestParser, Signal signal, MessageParser<TResponse> responseParser)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        new(MethodType.Unary, service, "Export", Marshaller(requestParser, signal), Marshaller(responseParser, signal));

    private Marshaller<T> Marshaller<T>(MessageParser<T> parser, Signal signal)
        where T : class, IMessage<T> =>
        Marshallers.Create<T>(
            (message, context) =>
            {
                context.SetPayloadLength(message.CalculateSize());
                message.WriteTo(context.GetBufferWriter());
                context.Complete();
            },
            context =>
            {
                try
                {
                    return parser.ParseFrom(context.PayloadAsReadOnlySequence());
                }
                catch (InvalidProtocolBufferException exception)
                {
                    pipeline.Refuse(signal, RefusalReason.Malformed);
                    throw new RpcException(new Status(StatusCode.InvalidArgument, $"malformed OTLP protobuf: {exception.Message}"));
                }
            });
}
