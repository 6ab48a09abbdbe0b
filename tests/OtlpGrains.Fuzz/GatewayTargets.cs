using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OtlpGrains.Gateway.Configuration;
using OtlpGrains.Gateway.Http;
using OtlpGrains.Gateway.Ingest;
using OtlpGrains.Gateway.Otlp;

namespace OtlpGrains.Fuzz;

/// <summary>
/// The gateway's decoders of request bodies, called as OtlpHttpReceiver and OtlpGrpcMethodProvider call them. Their
/// documented refusal is <see cref="OtlpFormatException"/> (the receivers answer 400 / INVALID_ARGUMENT), and the body
/// reader's is a failed <see cref="BodyReadResult"/> (400, 413 or 415); anything else escaping is a finding.
/// </summary>
public static class GatewayTargets
{
    // A fixed batch id and receive time: the readers only carry them into the plan.
    private static readonly Guid BatchId = new("0f0e0d0c-0b0a-0908-0706-050403020100");
    private const long ReceivedUnixNano = 1_700_000_000_000_000_000;

    private static readonly int MaxRequestBytes = new OtlpReceiverOptions().MaxRequestBytes;

    /// <summary>Inputs refused in this process, so that the seed writer can show that seeds are accepted.</summary>
    public static long Refusals { get; private set; }

    public static IEnumerable<FuzzTarget> All()
    {
        yield return new("otlp-traces", "TraceRequestReader.Read (protobuf, gRPC and HTTP), refusing as Google.Protobuf does", input => Agree(input, ReadTraces, ExportTraceServiceRequest.Parser), OtlpSeeds.TraceProtobuf);
        yield return new("otlp-metrics", "MetricRequestReader.Read (protobuf, gRPC and HTTP), refusing as Google.Protobuf does", input => Agree(input, ReadMetrics, ExportMetricsServiceRequest.Parser), OtlpSeeds.MetricProtobuf);
        yield return new("otlp-logs", "LogRequestReader.Read (protobuf, gRPC and HTTP), refusing as Google.Protobuf does", input => Agree(input, ReadLogs, ExportLogsServiceRequest.Parser), OtlpSeeds.LogProtobuf);
        yield return new("json-traces", "OtlpJson.ToProtobuf then TraceRequestReader.Read (application/json)", input => FromJson(input, ReadTraces, ExportTraceServiceRequest.Parser), OtlpSeeds.TraceJson, FuzzDictionary.Json(ExportTraceServiceRequest.Descriptor));
        yield return new("json-metrics", "OtlpJson.ToProtobuf then MetricRequestReader.Read (application/json)", input => FromJson(input, ReadMetrics, ExportMetricsServiceRequest.Parser), OtlpSeeds.MetricJson, FuzzDictionary.Json(ExportMetricsServiceRequest.Descriptor));
        yield return new("json-logs", "OtlpJson.ToProtobuf then LogRequestReader.Read (application/json)", input => FromJson(input, ReadLogs, ExportLogsServiceRequest.Parser), OtlpSeeds.LogJson, FuzzDictionary.Json(ExportLogsServiceRequest.Descriptor));
        yield return new("gzip-body", "OtlpRequestBody.ReadAsync with Content-Encoding: gzip (what it inflates, otlp-traces reads)", GzipBody, OtlpSeeds.GzipBodies)
        {
            // A small body may inflate to the limit: the pooled buffer doubles up to it, and a rent rounds up to a
            // power of two.
            AllocationBase = 4L * MaxRequestBytes,
        };
    }

    private delegate void ProtobufRead(ReadOnlySpan<byte> protobuf);

    private static void ReadTraces(ReadOnlySpan<byte> protobuf) => TraceRequestReader.Read(protobuf, BatchId);

    private static void ReadMetrics(ReadOnlySpan<byte> protobuf) => MetricRequestReader.Read(protobuf, BatchId);

    private static void ReadLogs(ReadOnlySpan<byte> protobuf) => LogRequestReader.Read(protobuf, BatchId, ReceivedUnixNano);

    private static void Refusing(ProtobufRead read, ReadOnlySpan<byte> protobuf)
    {
        try
        {
            read(protobuf);
        }
        catch (OtlpFormatException)
        {
            Refusals++;

            // The documented refusal: the receivers answer 400 / INVALID_ARGUMENT.
        }
    }

    /// <summary>
    /// The readers document that they refuse exactly what Google.Protobuf's parser refuses (OtlpSchema checks the
    /// fields they skip), so a request one takes and the other refuses is a finding too.
    /// </summary>
    private static void Agree<T>(ReadOnlySpan<byte> protobuf, ProtobufRead read, MessageParser<T> parser)
        where T : IMessage<T>
    {
        string? readerRefusal = null;
        try
        {
            read(protobuf);
        }
        catch (OtlpFormatException ex)
        {
            readerRefusal = ex.Message;
            Refusals++;
        }

        string? parserRefusal = null;
        try
        {
            parser.ParseFrom(protobuf);
        }
        catch (InvalidProtocolBufferException ex)
        {
            parserRefusal = ex.Message;
        }

        if ((readerRefusal is null) != (parserRefusal is null))
        {
            throw new InvalidOperationException(
                $"the reader {(readerRefusal is null ? "accepts" : $"refuses ({readerRefusal})")} but Google.Protobuf {(parserRefusal is null ? "accepts" : $"refuses ({parserRefusal})")}");
        }
    }

    private static void FromJson<T>(ReadOnlySpan<byte> json, ProtobufRead read, MessageParser<T> parser)
        where T : IMessage<T>, new()
    {
        // As OtlpHttpReceiver: transcode to protobuf wire bytes, then the shared reader (which must agree with
        // Google.Protobuf on those bytes as on any).
        using var transcoded = new ProtobufWriter(json.Length / 2);
        ReadOnlySpan<byte> protobuf;
        try
        {
            protobuf = OtlpJson.ToProtobuf(json, new T().Descriptor, transcoded);
        }
        catch (OtlpFormatException)
        {
            Refusals++;
            return;
        }

        Agree(protobuf, read, parser);
    }

    /// <summary>
    /// The first byte is the headers: bit 0 declares a Content-Length, which is the body's true length moved by the
    /// other seven bits minus 64 (so seeds with 129 tell the truth, and the fuzzer can make the header lie). The rest
    /// is the gzip body.
    /// </summary>
    private static void GzipBody(ReadOnlySpan<byte> input)
    {
        // An empty input is a body without headers, so that afl-fuzz's first run reaches the reader (FuzzTarget says why).
        int headers = input.IsEmpty ? 0 : input[0];
        var bodyBytes = input.IsEmpty ? [] : input[1..].ToArray();
        long? contentLength = (headers & 1) != 0 ? Math.Max(0, bodyBytes.Length + (headers >> 1) - 64) : null;
        using var stream = new MemoryStream(bodyBytes, writable: false);
        using var body = OtlpRequestBody.ReadAsync(stream, "application/x-protobuf", "gzip", contentLength, MaxRequestBytes, CancellationToken.None)
            .AsTask().GetAwaiter().GetResult();
        if (body.Succeeded)
        {
            // The inflated bytes go to the readers, which otlp-traces fuzzes directly; bounding this target's
            // allocation to the body reader's keeps a legitimate 16 MiB plan from counting as a finding.
            if (body.Length > MaxRequestBytes)
            {
                throw new InvalidOperationException($"gzip body inflated to {body.Length} bytes, past the limit of {MaxRequestBytes}");
            }

            return;
        }

        Refusals++;
        if (body.StatusCode is not (400 or 413) || body.Reason.Contains('\n', StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"gzip body refused with {body.StatusCode} '{body.Reason}': expected 400 or 413 with a one-line reason");
        }
    }
}
