using OpenTelemetry.Trace;

namespace OtlpGrains.Gateway.Hosting;

/// <summary>
/// Decides which of its own traces a host records: a trace may start only inside a query API request. Ingest and
/// background work (timers, flushes) never start one, so self-traces sent to this very gateway cannot make more
/// self-traces of their own ingest. Use it under <see cref="ParentBasedSampler"/>, which keeps the children of a
/// recorded span (the grain calls an API request makes, on any silo).
/// </summary>
internal sealed class SelfTraceSampler : Sampler
{
    private static readonly AsyncLocal<bool> InApiRequest = new();

    /// <summary>Marks the current request and what it awaits as a query API request.</summary>
    public static void MarkApiRequest() => InApiRequest.Value = true;

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        new(InApiRequest.Value ? SamplingDecision.RecordAndSample : SamplingDecision.Drop);
}
