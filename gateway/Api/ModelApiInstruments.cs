using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using OtlpGrains.Gateway.Ingest;

namespace OtlpGrains.Gateway.Api;

/// <summary>
/// Counters of the model registry API on the gateway's meter: requests per operation, and refusals per operation
/// and reason (bad request, unknown model or version, stage-rule conflict, oversize, a kind this silo cannot load).
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
        (StatusCodes.Status503ServiceUnavailable, "unavailable"),
    ];

    private readonly Counter<long> _requests;
    private readonly Counter<long> _refused;

    public ModelApiInstruments(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        // The factory hands back the gateway's meter: same name, same factory.
        var meter = meters.Create(GatewayInstruments.MeterName);
        _requests = meter.CreateCounter<long>("model_requests_total", "{request}", "Model registry API requests, by operation.");
        _refused = meter.CreateCounter<long>("model_refusals_total", "{request}", "Model registry API requests refused, by operation and reason.");
        foreach (var operation in Operations)
        {
            _requests.Add(0, OperationTag(operation));
            foreach (var (_, reason) in Reasons)
            {
                _refused.Add(0, OperationTag(operation), ReasonTag(reason));
            }
        }
    }

    public void Request(ModelOperation operation) => _requests.Add(1, OperationTag(Operations[(int)operation]));

    /// <summary>Counts an answer with <paramref name="status"/> when it is one of the refusals this API gives.</summary>
    public void Answered(ModelOperation operation, int status)
    {
        var reason = Array.FindIndex(Reasons, r => r.Status == status);
        if (reason >= 0)
        {
            _refused.Add(1, OperationTag(Operations[(int)operation]), ReasonTag(Reasons[reason].Reason));
        }
    }

    private static KeyValuePair<string, object?> OperationTag(string operation) => new("operation", operation);

    private static KeyValuePair<string, object?> ReasonTag(string reason) => new("reason", reason);
}
