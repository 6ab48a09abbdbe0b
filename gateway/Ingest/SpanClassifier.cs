using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Ingest;

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
    /// Failed: status ERROR, an HTTP response status of 500 or more, or a gRPC status other than OK (0).
    /// Also returns the peer named by <c>peer.service</c>, <c>db.system.name</c>/<c>db.system</c> or
    /// <c>server.address</c> (in that order of preference) for CLIENT and PRODUCER spans.
    /// </summary>
    public static bool Inspect(Span span, out string? peer)
    {
        var failed = span.Status?.Code == Status.Types.StatusCode.Error;
        string? peerService = null, dbSystemName = null, dbSystem = null, serverAddress = null;
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
                    var code = IntOf(attribute.Value);
                    failed |= code is not null and not 0;
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
            }
        }

        peer = NonEmpty(peerService) ?? NonEmpty(dbSystemName) ?? NonEmpty(dbSystem) ?? NonEmpty(serverAddress);
        return failed;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

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
