using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace OtlpGrains.Gateway.Api;

/// <summary>
/// Counters of the model registry API: requests per operation, and refusals per operation and reason (bad request,
/// unknown model or version, stage-rule conflict, oversize). Rendered on <c>/metrics</c> with the gateway's others.
/// </summary>
internal sealed class ModelApiInstruments
{
    private static readonly string[] Operations = ["list", "get", "register", "promote", "rollback", "retire"];
    private static readonly (int Status, string Reason)[] Reasons =
    [
        (StatusCodes.Status400BadRequest, "bad_request"),
        (StatusCodes.Status404NotFound, "not_found"),
        (StatusCodes.Status409Conflict, "conflict"),
        (StatusCodes.Status413PayloadTooLarge, "too_large"),
    ];

    private readonly long[] _requests = new long[Operations.Length];
    private readonly long[] _refused = new long[Operations.Length * Reasons.Length];

    public void Request(ModelOperation operation) => Interlocked.Increment(ref _requests[(int)operation]);

    /// <summary>Counts an answer with <paramref name="status"/> when it is one of the refusals this API gives.</summary>
    public void Answered(ModelOperation operation, int status)
    {
        var reason = Array.FindIndex(Reasons, r => r.Status == status);
        if (reason >= 0)
        {
            Interlocked.Increment(ref _refused[((int)operation * Reasons.Length) + reason]);
        }
    }

    public long Refused(ModelOperation operation, int status) =>
        Interlocked.Read(ref _refused[((int)operation * Reasons.Length) + Array.FindIndex(Reasons, r => r.Status == status)]);

    public void WriteTo(StringBuilder text)
    {
        text.Append("# HELP otlpgrains_gateway_model_requests_total Model registry API requests, by operation.\n");
        text.Append("# TYPE otlpgrains_gateway_model_requests_total counter\n");
        for (var o = 0; o < Operations.Length; o++)
        {
            text.Append(CultureInfo.InvariantCulture, $"otlpgrains_gateway_model_requests_total{{operation=\"{Operations[o]}\"}} {Interlocked.Read(ref _requests[o])}\n");
        }

        text.Append("# HELP otlpgrains_gateway_model_refusals_total Model registry API requests refused, by operation and reason.\n");
        text.Append("# TYPE otlpgrains_gateway_model_refusals_total counter\n");
        for (var o = 0; o < Operations.Length; o++)
        {
            for (var r = 0; r < Reasons.Length; r++)
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"otlpgrains_gateway_model_refusals_total{{operation=\"{Operations[o]}\",reason=\"{Reasons[r].Reason}\"}} {Interlocked.Read(ref _refused[(o * Reasons.Length) + r])}\n");
            }
        }
    }
}
