using System.Diagnostics;
using OpenTelemetry.Trace;
using OtlpGrains.Gateway.Hosting;
using Xunit;

namespace OtlpGrains.Gateway.Tests;

public sealed class SelfTraceSamplerTests
{
    private static readonly ParentBasedSampler Sampler = new(new SelfTraceSampler());

    [Fact]
    public async Task OnlyAQueryApiRequestStartsATrace()
    {
        Assert.Equal(SamplingDecision.Drop, Decide(default));

        var inRequest = await Task.Run(() =>
        {
            SelfTraceSampler.MarkApiRequest();
            return Decide(default);
        });

        Assert.Equal(SamplingDecision.RecordAndSample, inRequest);
        Assert.Equal(SamplingDecision.Drop, Decide(default)); // the mark stays with the request that set it
    }

    [Fact]
    public void TheGrainCallsOfARecordedSpanAreRecordedAndNoOthers()
    {
        var recorded = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        var dropped = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, isRemote: true);

        Assert.Equal(SamplingDecision.RecordAndSample, Decide(recorded));
        Assert.Equal(SamplingDecision.Drop, Decide(dropped));
    }

    private static SamplingDecision Decide(ActivityContext parent) =>
        Sampler.ShouldSample(new SamplingParameters(parent, parent == default ? ActivityTraceId.CreateRandom() : parent.TraceId, "IServiceGrain/GetSummaryAsync", ActivityKind.Client)).Decision;
}
