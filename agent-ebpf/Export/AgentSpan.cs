using System.Buffers.Binary;
using Google.Protobuf;
using OpenTelemetry.Proto.Trace.V1;

namespace OtlpGrains.Agent.Export;

/// <summary>
/// A span the agent made from one exchange, ready to export: its ids, which the loopback linker may still change, and
/// the rest of its OTLP encoding, written once when the span was made (<see cref="SpanMapper"/>). The export copies
/// bytes: nothing is measured, transcoded or allocated again per span, and the connection's attributes are one block
/// shared by every span of the connection (<see cref="ConnectionAttributes.Encoded"/>).
/// The bytes are the ones Google.Protobuf writes for the same span: fields in number order, defaults left out.
/// </summary>
public sealed class AgentSpan
{
    private const int TraceIdField = 2 + 16; // tag 1, length 16, the id
    private const int SpanIdField = 2 + 8;   // tag 2 (or 4 for the parent), length 8, the id

    // Fields 5 (name) to 9 (the exchange's attributes), then from _tailAt the attributes after the connection's and
    // field 15 (status).
    private readonly byte[] _body;
    private readonly int _tailAt;

    /// <param name="traceId">The trace id, big-endian (its hex is the W3C form); never 0.</param>
    /// <param name="spanId">The span id, big-endian; never 0.</param>
    /// <param name="parentSpanId">The parent span id, or 0 for a root span.</param>
    /// <param name="body">The encoded fields after the ids (<see cref="SpanWriter"/>).</param>
    /// <param name="tailAt">Where in <paramref name="body"/> the connection's attributes go.</param>
    /// <param name="connection">The connection's attributes.</param>
    internal AgentSpan(UInt128 traceId, ulong spanId, ulong parentSpanId, byte[] body, int tailAt, ConnectionAttributes connection)
    {
        if (traceId == 0 || spanId == 0)
        {
            throw new ArgumentException("a span needs a trace id and a span id that are not zero");
        }

        TraceId = traceId;
        SpanId = spanId;
        ParentSpanId = parentSpanId;
        _body = body;
        _tailAt = tailAt;
        Connection = connection;
    }

    public UInt128 TraceId { get; set; }

    public ulong SpanId { get; }

    /// <summary>0 for a root span.</summary>
    public ulong ParentSpanId { get; set; }

    public ConnectionAttributes Connection { get; }

    /// <summary>The size of the span's encoding (without the tag and length of the field that holds it).</summary>
    public int EncodedLength => TraceIdField + SpanIdField + (ParentSpanId == 0 ? 0 : SpanIdField) + _body.Length + Connection.Encoded.Length;

    /// <summary>Writes the span's encoding into exactly <see cref="EncodedLength"/> bytes.</summary>
    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length != EncodedLength)
        {
            throw new ArgumentException($"the span takes {EncodedLength} bytes, not {destination.Length}", nameof(destination));
        }

        destination[0] = 0x0A;
        destination[1] = 16;
        BinaryPrimitives.WriteUInt128BigEndian(destination[2..], TraceId);
        destination[18] = 0x12;
        destination[19] = 8;
        BinaryPrimitives.WriteUInt64BigEndian(destination[20..], SpanId);
        int at = TraceIdField + SpanIdField;
        if (ParentSpanId != 0)
        {
            destination[at] = 0x22;
            destination[at + 1] = 8;
            BinaryPrimitives.WriteUInt64BigEndian(destination[(at + 2)..], ParentSpanId);
            at += SpanIdField;
        }

        _body.AsSpan(0, _tailAt).CopyTo(destination[at..]);
        at += _tailAt;
        Connection.Encoded.CopyTo(destination[at..]);
        at += Connection.Encoded.Length;
        _body.AsSpan(_tailAt).CopyTo(destination[at..]);
    }

    /// <summary>The span as an OTLP message object (for tests and event subscribers; the export never builds one).</summary>
    public Span ToProto()
    {
        var bytes = new byte[EncodedLength];
        WriteTo(bytes);
        return Span.Parser.ParseFrom(bytes);
    }

    /// <summary>A span made elsewhere, as an OTLP message object: its ids must be set (16 and 8 bytes).</summary>
    public static AgentSpan Of(Span span)
    {
        if (span.TraceId.Length != 16 || span.SpanId.Length != 8 || span.ParentSpanId.Length is not (0 or 8))
        {
            throw new ArgumentException("a span needs a 16-byte trace id, an 8-byte span id and an 8-byte parent id or none", nameof(span));
        }

        var rest = span.Clone();
        rest.TraceId = rest.SpanId = rest.ParentSpanId = ByteString.Empty;
        var body = rest.ToByteArray();
        return new AgentSpan(
            BinaryPrimitives.ReadUInt128BigEndian(span.TraceId.Span),
            BinaryPrimitives.ReadUInt64BigEndian(span.SpanId.Span),
            span.ParentSpanId.IsEmpty ? 0 : BinaryPrimitives.ReadUInt64BigEndian(span.ParentSpanId.Span),
            body,
            body.Length,
            ConnectionAttributes.None);
    }
}
