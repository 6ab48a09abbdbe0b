using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OtlpGrains.Gateway.Configuration;
using OtlpGrains.Gateway.Http;
using OtlpGrains.Gateway.Ingest;
using OtlpGrains.Gateway.Otlp;
using OtlpGrains.Gateway.Security;

namespace OtlpGrains.Gateway.Receivers;

/// <summary>
/// OTLP/HTTP: <c>POST /v1/traces|metrics|logs</c> with protobuf or JSON bodies, optionally gzip. Answers in the
/// request's encoding; refusals carry a <c>google.rpc.Status</c> with a one-line reason, as OTLP asks.
/// </summary>
internal sealed class OtlpHttpReceiver(IngestPipeline pipeline, IOptions<OtlpReceiverOptions> options)
{
    private readonly OtlpReceiverOptions _options = options.Value;

    public Task TracesAsync(HttpContext context) => HandleAsync(
        context,
        Signal.Traces,
        (protobuf, batchId) => TraceRequestReader.Read(protobuf, batchId, _options.CountMeshProxyRequests, _options.KeepSpanAttributes),
        ExportTraceServiceRequest.Descriptor,
        (plan, key, ct) => pipeline.IngestTracesAsync(plan, ct, key),
        OtlpResponses.Traces);

    public Task MetricsAsync(HttpContext context) => HandleAsync(
        context,
        Signal.Metrics,
        (protobuf, batchId) => MetricRequestReader.Read(protobuf, batchId),
        ExportMetricsServiceRequest.Descriptor,
        (plan, key, ct) => pipeline.IngestMetricsAsync(plan, ct, key),
        OtlpResponses.Metrics);

    public Task LogsAsync(HttpContext context) => HandleAsync(
        context,
        Signal.Logs,
        (protobuf, batchId) => LogRequestReader.Read(protobuf, batchId, pipeline.ReceivedUnixNano()),
        ExportLogsServiceRequest.Descriptor,
        (plan, key, ct) => pipeline.IngestLogsAsync(plan, ct, key),
        OtlpResponses.Logs);

    /// <summary>Reads protobuf bytes into a plan whose batches carry <paramref name="batchId"/>.</summary>
    private delegate TPlan PlanReader<out TPlan>(ReadOnlySpan<byte> protobuf, Guid batchId);

    private async Task HandleAsync<TPlan, TResponse>(
        HttpContext context,
        Signal signal,
        PlanReader<TPlan> read,
        MessageDescriptor jsonMessage,
        Func<TPlan, string?, CancellationToken, ValueTask<IngestOutcome>> ingest,
        Func<IngestOutcome, TResponse> respond)
        where TResponse : IMessage<TResponse>
    {
        var request = context.Request;
        using var body = await OtlpRequestBody.ReadAsync(
            request.Body,
            request.ContentType,
            request.Headers.ContentEncoding.ToString(),
            request.ContentLength,
            _options.MaxRequestBytes,
            context.RequestAborted);

        if (!body.Succeeded)
        {
            var reason = body.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => RefusalReason.TooLarge,
                StatusCodes.Status415UnsupportedMediaType => RefusalReason.UnsupportedMediaType,
                _ => RefusalReason.Malformed,
            };
            pipeline.Refuse(signal, reason);
            if (body.StatusCode == StatusCodes.Status415UnsupportedMediaType)
            {
                // The encoding is unknown, so the reason goes out as plain text.
                context.Response.StatusCode = body.StatusCode;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync(body.Reason + "\n", context.RequestAborted);
                return;
            }

            await WriteStatusAsync(context, IsJson(request.ContentType), body.StatusCode, GrpcCodeOf(body.StatusCode), body.Reason);
            return;
        }

        var json = body.Format == OtlpBodyFormat.Json;

        // JSON is transcoded to protobuf wire bytes first, so both encodings share one reader. The batch id is the
        // hash of the body as it came, whichever its encoding.
        using var transcoded = json ? new ProtobufWriter(body.Length / 2) : null;
        TPlan plan;
        try
        {
            var batchId = BatchIds.Of(body.Span);
            var protobuf = transcoded is null ? body.Span : OtlpJson.ToProtobuf(body.Span, jsonMessage, transcoded);
            plan = read(protobuf, batchId);
        }
        catch (OtlpFormatException exception)
        {
            pipeline.Refuse(signal, RefusalReason.Malformed);
            var what = json ? "JSON" : "protobuf";
            await WriteStatusAsync(context, json, StatusCodes.Status400BadRequest, 3, $"malformed OTLP {what}: {OneLine(exception.Message)}");
            return;
        }

        var outcome = await ingest(plan, RequestKey.NameOf(context), context.RequestAborted);
        switch (outcome.Status)
        {
            case IngestStatus.Invalid:
                await WriteStatusAsync(context, json, StatusCodes.Status400BadRequest, 3, outcome.Message ?? "invalid request");
                return;
            case IngestStatus.Busy:
                context.Response.Headers.RetryAfter = _options.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                await WriteStatusAsync(context, json, StatusCodes.Status429TooManyRequests, 8, outcome.Message ?? "busy");
                return;
            case IngestStatus.Unavailable:
                context.Response.Headers.RetryAfter = _options.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                await WriteStatusAsync(context, json, StatusCodes.Status503ServiceUnavailable, 14, outcome.Message ?? "unavailable");
                return;
        }

        await WriteMessageAsync(context, json, StatusCodes.Status200OK, respond(outcome));
    }

    private static Task WriteStatusAsync(HttpContext context, bool json, int httpStatus, int grpcCode, string reason) =>
        WriteMessageAsync(context, json, httpStatus, new Google.Rpc.Status { Code = grpcCode, Message = reason });

    private static async Task WriteMessageAsync(HttpContext context, bool json, int httpStatus, IMessage message)
    {
        context.Response.StatusCode = httpStatus;
        context.Response.ContentType = json ? "application/json" : "application/x-protobuf";
        var bytes = json ? OtlpJson.Format(message) : message.ToByteArray();
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    private static int GrpcCodeOf(int httpStatus) => httpStatus switch
    {
        StatusCodes.Status413PayloadTooLarge => 8, // RESOURCE_EXHAUSTED
        _ => 3, // INVALID_ARGUMENT
    };

    private static bool IsJson(string? contentType) =>
        contentType is not null && contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase);

    private static string OneLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }
}
