using System.Buffers;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace OtlpGrains.Gateway.Otlp;

/// <summary>
/// The OTLP/HTTP JSON encoding: the proto3 JSON mapping with trace and span ids as hex strings and enums as
/// integers. Parsing also accepts enum names, 64-bit integers as strings or numbers, lowerCamelCase or original
/// snake_case keys, and ignores unknown fields. Parsing goes through the protobuf wire bytes
/// (<see cref="OtlpJsonTranscoder"/>), so JSON bodies share the protobuf decoding path.
/// </summary>
/// <remarks>
/// Ids that are not valid hex (odd length, a non-hex character) do not fail the request: they decode to a single
/// zero byte, so the span validator drops only the span (or link, log record, exemplar) as having an id of the
/// wrong length. Valid hex of the wrong length decodes to its bytes and is rejected the same way; an empty string
/// is an empty id (a root span's parent).
/// </remarks>
internal static class OtlpJson
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatEnumsAsIntegers(true));

    /// <exception cref="OtlpFormatException">The body is not OTLP JSON of this request type.</exception>
    public static ExportTraceServiceRequest ParseTraces(ReadOnlySpan<byte> utf8) => Parse<ExportTraceServiceRequest>(utf8);

    /// <exception cref="OtlpFormatException">The body is not OTLP JSON of this request type.</exception>
    public static ExportMetricsServiceRequest ParseMetrics(ReadOnlySpan<byte> utf8) => Parse<ExportMetricsServiceRequest>(utf8);

    /// <exception cref="OtlpFormatException">The body is not OTLP JSON of this request type.</exception>
    public static ExportLogsServiceRequest ParseLogs(ReadOnlySpan<byte> utf8) => Parse<ExportLogsServiceRequest>(utf8);

    /// <summary>Parses any OTLP message from OTLP JSON.</summary>
    /// <exception cref="OtlpFormatException">The body is not OTLP JSON of this message type.</exception>
    public static T Parse<T>(ReadOnlySpan<byte> utf8)
        where T : IMessage<T>, new()
    {
        var message = new T();
        using var wire = new ProtobufWriter(utf8.Length / 2);
        ToProtobuf(utf8, message.Descriptor, wire);
        try
        {
            message.MergeFrom(wire.WrittenSpan);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new OtlpFormatException("invalid OTLP JSON: " + ex.Message.ReplaceLineEndings(" ").Trim(), ex);
        }

        return message;
    }

    /// <summary>
    /// Writes the protobuf encoding of the OTLP JSON message of type <paramref name="descriptor"/> in
    /// <paramref name="utf8"/> to <paramref name="output"/> (cleared first), and returns the bytes.
    /// </summary>
    /// <exception cref="OtlpFormatException">The body is not OTLP JSON of this message type.</exception>
    public static ReadOnlySpan<byte> ToProtobuf(ReadOnlySpan<byte> utf8, MessageDescriptor descriptor, ProtobufWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Clear();
        OtlpJsonTranscoder.Transcode(utf8, JsonMessageLayout.Of(descriptor), output);
        return output.WrittenSpan;
    }

    /// <summary>Writes any OTLP message (requests, responses) as OTLP JSON in UTF-8.</summary>
    public static byte[] Format(IMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        byte[] protoJson = Encoding.UTF8.GetBytes(Formatter.Format(message));
        var otlpJson = new ArrayBufferWriter<byte>(protoJson.Length);
        OtlpIdTranscoder.Base64ToHex(protoJson, otlpJson);
        return otlpJson.WrittenSpan.ToArray();
    }
}
