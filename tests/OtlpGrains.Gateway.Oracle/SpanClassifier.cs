using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;
using OtlpGrains.Gateway.Ingest;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Oracle;

// The gateway's code before the protobuf wire reader (#11), on Google.Protobuf's message tree: kept as the oracle that
// the reader's plans are compared with, and extended only with the mesh-proxy rules of #14.
/// <summary>
/// Decides once, at the edge, what a span counts as (request, error, root) and which uninstrumented peer a client
/// span calls, by the OpenTelemetry semantic conventions.
/// </summary>
internal static class SpanClassifier
{
    public static SpanRole RoleOf(Span span, bool isError)
    {
        var role = SpanRole.None;
        var isRoot = !SpanValidator.HasParent(span);
        if (isRoot)
        {
            role |= SpanRole.Root;
        }

        if (isRoot || span.Kind is Span.Types.SpanKind.Server or Span.Types.SpanKind.Consumer)
        {
            role |= SpanRole.Request;
        }

        if (isError)
        {
            role |= SpanRole.Error;
        }

        return role;
    }

    /// <summary>
    /// Failed: status ERROR, an HTTP response status of 500 or more, or a gRPC status that the semantic conventions call
    /// a failure for the span's kind (on a SERVER span only UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL,
    /// UNAVAILABLE and DATA_LOSS; on other kinds any status but OK).
    /// Also returns the peer named by <c>peer.service</c>, <c>db.system.name</c>/<c>db.system</c> or
    /// <c>server.address</c> (in that order of preference) for CLIENT and PRODUCER spans.
    /// </summary>
    public static bool Inspect(Span span, out string? peer) => Inspect(span, out peer, out _, out _);

    /// <summary>
    /// As <see cref="Inspect(Span, out string?)"/>, and whether the span comes from a mesh proxy (<c>component</c>
    /// "proxy" or an <c>istio.canonical_service</c>) with the workload it names; OpenTracing's <c>error</c> tag (true,
    /// or "true") marks a failure too.
    /// </summary>
    public static bool Inspect(Span span, out string? peer, out bool meshProxy, out string? meshService)
    {
        bool proxyComponent = false;
        meshService = null;
        var failed = span.Status?.Code == Status.Types.StatusCode.Error;
        string? peerService = null, dbSystemName = null, dbSystem = null, serverAddress = null;
        bool errorTag = false;
        var isCaller = span.Kind is Span.Types.SpanKind.Client or Span.Types.SpanKind.Producer;
        RepeatedField<KeyValue> attributes = span.Attributes;
        for (var i = 0; i < attributes.Count; i++)
        {
            var attribute = attributes[i];
            switch (attribute.Key)
            {
                case "http.response.status_code":
                case "http.status_code":
                    failed |= IntOf(attribute.Value) >= 500;
                    break;
                case "rpc.grpc.status_code":
                    failed |= IsGrpcFailure(IntOf(attribute.Value), span.Kind);
                    break;
                case "peer.service" when isCaller:
                    peerService = StringOf(attribute.Value);
                    break;
                case "db.system.name" when isCaller:
                    dbSystemName = StringOf(attribute.Value);
                    break;
                case "db.system" when isCaller:
                    dbSystem = StringOf(attribute.Value);
                    break;
                case "server.address" when isCaller:
                    serverAddress = StringOf(attribute.Value);
                    break;
                case "istio.canonical_service":
                    meshService = NonEmpty(StringOf(attribute.Value));
                    break;
                case "component":
                    proxyComponent = StringOf(attribute.Value) == "proxy";
                    break;
                case "error":
                    errorTag = attribute.Value?.ValueCase == AnyValue.ValueOneofCase.BoolValue ? attribute.Value.BoolValue : StringOf(attribute.Value) == "true";
                    break;
            }
        }

        failed |= errorTag;
        meshProxy = proxyComponent || meshService is not null;

        peer = NonEmpty(peerService) ?? NonEmpty(dbSystemName) ?? NonEmpty(dbSystem) ?? NonEmpty(serverAddress);
        return failed;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    // The semantic conventions for gRPC: a server fails only on UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL,
    // UNAVAILABLE and DATA_LOSS (an INVALID_ARGUMENT or NOT_FOUND is the caller's fault); for every other kind, any
    // status but OK is a failure.
    private static bool IsGrpcFailure(long? code, Span.Types.SpanKind kind) => code switch
    {
        null or 0 => false,
        _ when kind != Span.Types.SpanKind.Server => true,
        2 or 4 or 12 or 13 or 14 or 15 => true,
        _ => false,
    };

    private static string? StringOf(AnyValue? value) =>
        value?.ValueCase == AnyValue.ValueOneofCase.StringValue ? value.StringValue : null;

    private static long? IntOf(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.IntValue => value.IntValue,
        AnyValue.ValueOneofCase.DoubleValue => (long)value.DoubleValue,
        AnyValue.ValueOneofCase.StringValue when long.TryParse(value.StringValue, out var parsed) => parsed,
        _ => null,
    };
}
