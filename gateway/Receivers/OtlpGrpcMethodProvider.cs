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
            (receiver, request, call) => receiver.ExportTracesAsync(request.Message, call, request.BatchId));
        context.AddUnaryMethod(
            Export("opentelemetry.proto.collector.metrics.v1.MetricsService", ExportMetricsServiceRequest.Parser, Signal.Metrics, ExportMetricsServiceResponse.Parser),
            [],
            (receiver, request, call) => receiver.ExportMetricsAsync(request.Message, call, request.BatchId));
        context.AddUnaryMethod(
            Export("opentelemetry.proto.collector.logs.v1.LogsService", ExportLogsServiceRequest.Parser, Signal.Logs, ExportLogsServiceResponse.Parser),
            [],
            (receiver, request, call) => receiver.ExportLogsAsync(request.Message, call, request.BatchId));
    }

    private Method<OtlpExport<TRequest>, TResponse> Export<TRequest, TResponse>(string service, MessageParser<TRequest> requestParser, Signal signal, MessageParser<TResponse> responseParser)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        new(MethodType.Unary, service, "Export", RequestMarshaller(requestParser, signal), ResponseMarshaller(responseParser));

    /// <summary>Parses a request and names it by the hash of the bytes that came over the wire.</summary>
    private Marshaller<OtlpExport<T>> RequestMarshaller<T>(MessageParser<T> parser, Signal signal)
        where T : class, IMessage<T> =>
        Marshallers.Create<OtlpExport<T>>(
            (export, context) => Write(export.Message, context),
            context =>
            {
                try
                {
                    var payload = context.PayloadAsReadOnlySequence();
                    return new OtlpExport<T>(parser.ParseFrom(payload), BatchIds.Of(payload));
                }
                catch (InvalidProtocolBufferException exception)
                {
                    pipeline.Refuse(signal, RefusalReason.Malformed);
                    throw new RpcException(new Status(StatusCode.InvalidArgument, $"malformed OTLP protobuf: {exception.Message}"));
                }
            });

    private static Marshaller<T> ResponseMarshaller<T>(MessageParser<T> parser)
        where T : class, IMessage<T> =>
        Marshallers.Create<T>(Write, context => parser.ParseFrom(context.PayloadAsReadOnlySequence()));

    private static void Write(IMessage message, SerializationContext context)
    {
        context.SetPayloadLength(message.CalculateSize());
        message.WriteTo(context.GetBufferWriter());
        context.Complete();
    }
}

/// <summary>A decoded export request and its content id.</summary>
internal sealed record OtlpExport<T>(T Message, Guid BatchId);
