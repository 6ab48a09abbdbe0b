using System.Buffers;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using Microsoft.Extensions.Options;
using OtlpGrains.Gateway.Configuration;
using OtlpGrains.Gateway.Ingest;
using OtlpGrains.Gateway.Otlp;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Receivers;

/// <summary>
/// Declares the three OTLP <c>Export</c> methods with our own marshallers, which read the request bytes straight into
/// ingest plans named by the hash of those bytes: a body that does not parse becomes INVALID_ARGUMENT with a
/// one-line reason, and is counted as malformed.
/// </summary>
internal sealed class OtlpGrpcMethodProvider(IngestPipeline pipeline, IOptions<OtlpReceiverOptions> options) : IServiceMethodProvider<OtlpGrpcReceiver>
{
    private readonly bool _countMeshProxyRequests = options.Value.CountMeshProxyRequests;
    private readonly bool _keepSpanAttributes = options.Value.KeepSpanAttributes;

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<OtlpGrpcReceiver> context)
    {
        context.AddUnaryMethod(
            Export("opentelemetry.proto.collector.trace.v1.TraceService", Signal.Traces, body => TraceRequestReader.Read(body, _countMeshProxyRequests, _keepSpanAttributes), ExportTraceServiceResponse.Parser),
            [],
            (receiver, request, call) => receiver.ExportTracesAsync(request, call));
        context.AddUnaryMethod(
            Export("opentelemetry.proto.collector.metrics.v1.MetricsService", Signal.Metrics, MetricRequestReader.Read, ExportMetricsServiceResponse.Parser),
            [],
            (receiver, request, call) => receiver.ExportMetricsAsync(request, call));
        context.AddUnaryMethod(
            Export("opentelemetry.proto.collector.logs.v1.LogsService", Signal.Logs, body => LogRequestReader.Read(body, pipeline.ReceivedUnixNano()), ExportLogsServiceResponse.Parser),
            [],
            (receiver, request, call) => receiver.ExportLogsAsync(request, call));
    }

    private Method<TPlan, TResponse> Export<TPlan, TResponse>(string service, Signal signal, Func<ReadOnlySequence<byte>, TPlan> read, MessageParser<TResponse> responseParser)
        where TPlan : class
        where TResponse : class, IMessage<TResponse> =>
        new(MethodType.Unary, service, "Export", RequestMarshaller(read, signal), ResponseMarshaller(responseParser));

    /// <summary>Reads a request into its plan; the gateway never sends requests, so there is no serializer.</summary>
    private Marshaller<TPlan> RequestMarshaller<TPlan>(Func<ReadOnlySequence<byte>, TPlan> read, Signal signal)
        where TPlan : class =>
        Marshallers.Create<TPlan>(
            (_, _) => throw new NotSupportedException("the gateway receives OTLP export requests; it does not send them"),
            context =>
            {
                try
                {
                    return read(context.PayloadAsReadOnlySequence());
                }
                catch (OtlpFormatException exception)
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
