using System.Buffers;
using System.Text;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace OtlpGrains.Gateway.Otlp;

/// <summary>
/// The OTLP/HTTP JSON encoding: the proto3 JSON mapping with trace and span ids as hex strings and enums as
/// integers. Parsing also accepts enum names, 64-bit integers as strings or numbers, lowerCamelCase or original
/// snake_case keys, and ignores unknown fields.
/// </summary>
/// <remarks>
/// Ids that are not valid hex (odd length, a non-hex character) do not fail the request: they decode to a single
/// zero byte, so the span validator drops only the span (or link, log record, exemplar) as having an id of the
/// wrong length. Valid hex of the wrong length decodes to its bytes and is rejected the same way; an empty string
/// is an empty id (a root span's parent).
/// </remarks>
internal static class OtlpJson
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

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
        // Google.Protobuf's parser wants base64 ids; rewrite them first (this also checks the JSON syntax).
        var protoJson = new ArrayBufferWriter<byte>(Math.Max(utf8.Length + (utf8.Length / 8), 256));
        OtlpIdTranscoder.HexToBase64(utf8, protoJson);
        try
        {
            return Parser.Parse<T>(Encoding.UTF8.GetString(protoJson.WrittenSpan));
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw Invalid(ex);
        }
        catch (InvalidJsonException ex)
        {
            throw Invalid(ex);
        }
        catch (FormatException ex)
        {
            throw Invalid(ex);
        }
        catch (OverflowException ex)
        {
            throw Invalid(ex);
        }
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

    private static OtlpFormatException Invalid(Exception ex) =>
        new("invalid OTLP JSON: " + ex.Message.ReplaceLineEndings(" ").Trim(), ex);
}
