using Google.Protobuf;
using Grpc.Core;
using OtlpGrains.Gateway.Ingest;

namespace OtlpGrains.Gateway.Receivers;

/// <summary>Maps an ingest outcome to the OTLP/gRPC answer: a status for refusals, a response otherwise.</summary>
internal static class GrpcOutcome
{
    private const string RetryInfoType = "type.googleapis.com/google.rpc.RetryInfo";

    /// <summary>Throws the OTLP status for a refused request; returns for (partially) accepted ones.</summary>
    public static void ThrowIfRefused(IngestOutcome outcome, int retryAfterSeconds)
    {
        switch (outcome.Status)
        {
            case IngestStatus.Invalid:
                throw new RpcException(new Status(StatusCode.InvalidArgument, outcome.Message ?? "invalid request"));
            case IngestStatus.Busy:
                // OTLP: RESOURCE_EXHAUSTED is retryable only when the server says when to retry, as a
                // google.rpc.RetryInfo in the status details. The trailers are the exception's own: gRPC copies them
                // into the response's, so passing the response's own collection would modify it while copying it.
                var message = outcome.Message ?? "busy";
                var trailers = new Metadata
                {
                    { "grpc-status-details-bin", StatusDetails((int)StatusCode.ResourceExhausted, message, retryAfterSeconds) },
                };
                throw new RpcException(new Status(StatusCode.ResourceExhausted, message), trailers);
            case IngestStatus.Unavailable:
                throw new RpcException(new Status(StatusCode.Unavailable, outcome.Message ?? "unavailable"));
        }
    }

    /// <summary>
    /// google.rpc.Status { int32 code = 1; string message = 2; repeated Any details = 3; } holding one
    /// Any { string type_url = 1; bytes value = 2; } of RetryInfo { Duration retry_delay = 1; },
    /// Duration { int64 seconds = 1; }.
    /// </summary>
    internal static byte[] StatusDetails(int code, string message, int retryAfterSeconds)
    {
        var duration = Encode(o => o.WriteInt64Field(1, retryAfterSeconds));
        var retryInfo = Encode(o => o.WriteBytesField(1, duration));
        var any = Encode(o =>
        {
            o.WriteStringField(1, RetryInfoType);
            o.WriteBytesField(2, retryInfo);
        });
        return Encode(o =>
        {
            o.WriteInt32Field(1, code);
            o.WriteStringField(2, message);
            o.WriteBytesField(3, any);
        });
    }

    private static byte[] Encode(Action<FieldWriter> write)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        write(new FieldWriter(output));
        output.Flush();
        return buffer.ToArray();
    }

    /// <summary>Writes tagged fields of the few kinds the status details need.</summary>
    private readonly struct FieldWriter(CodedOutputStream output)
    {
        public void WriteInt32Field(int field, int value)
        {
            output.WriteTag(field, WireFormat.WireType.Varint);
            output.WriteInt32(value);
        }

        public void WriteInt64Field(int field, long value)
        {
            output.WriteTag(field, WireFormat.WireType.Varint);
            output.WriteInt64(value);
        }

        public void WriteStringField(int field, string value)
        {
            output.WriteTag(field, WireFormat.WireType.LengthDelimited);
            output.WriteString(value);
        }

        public void WriteBytesField(int field, byte[] value)
        {
            output.WriteTag(field, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFrom(value));
        }
    }
}
