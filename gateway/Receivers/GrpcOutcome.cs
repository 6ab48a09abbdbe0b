using Grpc.Core;
using OtlpGrains.Gateway.Ingest;

namespace OtlpGrains.Gateway.Receivers;

/// <summary>Maps an ingest outcome to the OTLP/gRPC answer: a status for refusals, a response otherwise.</summary>
internal static class GrpcOutcome
{
    /// <summary>Throws the OTLP status for a refused request; returns for (partially) accepted ones.</summary>
    public static void ThrowIfRefused(IngestOutcome outcome, ServerCallContext context, int retryAfterSeconds)
    {
        switch (outcome.Status)
        {
            case IngestStatus.Invalid:
                throw new RpcException(new Status(StatusCode.InvalidArgument, outcome.Message ?? "invalid request"));
            case IngestStatus.Busy:
                // OTLP: RESOURCE_EXHAUSTED is retryable only when the server says when to retry.
                context.ResponseTrailers.Add("retry-after", retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
                throw new RpcException(new Status(StatusCode.ResourceExhausted, outcome.Message ?? "busy"), context.ResponseTrailers);
            case IngestStatus.Unavailable:
                throw new RpcException(new Status(StatusCode.Unavailable, outcome.Message ?? "unavailable"));
        }
    }
}
