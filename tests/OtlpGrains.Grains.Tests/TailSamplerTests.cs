using OtlpGrains.Grains.Traces;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Statistics;
using OtlpGrains.Models.Traces;
using OtlpGrains.TestSupport;
using Xunit;
using static OtlpGrains.TestSupport.TraceTestSpans;

namespace OtlpGrains.Grains.Tests;

public sealed class TailSamplerTests
{
    private static readonly TraceOptions Options = new() { SampleProbability = 0.01 };

    [Fact]
    public void ErrorWinsOverSlowAndDrawsNothing()
    {
        var draws = 0;
        var sampler = new TailSampler(Options, () => { draws++; return 0; });

        var decision = sampler.Decide(Trace(100, error: true), rootOperationP99Ms: 10);

        Assert.Equal("error", decision);
        Assert.Equal(0, draws);
    }

    [Fact]
    public void ErrorLogKeepsATraceWhoseSpansSucceeded()
    {
        var sampler = new TailSampler(Options, () => 0.99);

        Assert.Equal("error_log", sampler.Decide(Trace(100), rootOperationP99Ms: 1000, hasErrorLog: true));
        Assert.Equal("error", sampler.Decide(Trace(100, error: true), rootOperationP99Ms: 1000, hasErrorLog: true));
        Assert.Null(sampler.Decide(Trace(100), rootOperationP99Ms: 1000));
    }

    [Fact]
    public void SlowWhenRootTakesLongerThanItsP99()
    {
        var draws = 0;
        var sampler = new TailSampler(Options, () => { draws++; return 0.99; });

        Assert.Equal("slow", sampler.Decide(Trace(100), rootOperationP99Ms: 98));
        Assert.Equal(0, draws);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(40)]
    [InlineData(100)]
    [InlineData(1234)]
    public void AConstantLatencyIsNotSlowerThanItsOwnP99(long ms)
    {
        // Every request takes the same time: the sketch's p99 may sit up to its relative accuracy below that time,
        // which must not make every trace "slow".
        var latency = new LatencyHistogram();
        for (var i = 0; i < 1000; i++)
        {
            latency.RecordNanos(ms * 1_000_000);
        }

        var sampler = new TailSampler(Options, () => 0.99);

        Assert.Null(sampler.Decide(Trace(ms), latency.QuantileMs(0.99)));
        Assert.Equal("slow", sampler.Decide(Trace(ms * 2), latency.QuantileMs(0.99)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(100.0)]
    [InlineData(250.0)]
    public void NotSlowWhenP99IsUnknownOrNotExceeded(double? p99)
    {
        var sampler = new TailSampler(Options, () => 0.99);

        Assert.Null(sampler.Decide(Trace(100), p99));
    }

    [Fact]
    public void TraceWithoutRootIsNeverSlow()
    {
        var trace = new TraceAssembler(10);
        trace.Add([Span(2, 1, "a", 0, 1000)]);
        trace.Add([Span(1, 2, "a", 0, 1000)]);
        var sampler = new TailSampler(Options, () => 0.99);

        Assert.Null(trace.Root);
        Assert.Null(sampler.Decide(trace, rootOperationP99Ms: 1));
    }

    [Theory]
    [InlineData(0.0, "sampled")]
    [InlineData(0.0099, "sampled")]
    [InlineData(0.01, null)]
    [InlineData(0.5, null)]
    public void SampledBelowTheProbabilityElseDropped(double draw, string? expected)
    {
        var sampler = new TailSampler(Options, () => draw);

        Assert.Equal(expected, sampler.Decide(Trace(100), rootOperationP99Ms: 500));
    }

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(1.0, 200)]
    public void ProbabilityBoundsKeepNoneOrAll(double probability, int expectedKept)
    {
        var sampler = new TailSampler(new TraceOptions { SampleProbability = probability }, new Random(42));
        var trace = Trace(100);

        var kept = Enumerable.Range(0, 200).Count(_ => sampler.Decide(trace, null) is not null);

        Assert.Equal(expectedKept, kept);
    }

    private static TraceAssembler Trace(long rootMs, bool error = false)
    {
        var trace = new TraceAssembler(10);
        trace.Add([Span(1, 0, "gw", 0, rootMs, SpanKindCode.Server), Span(2, 1, "api", 1, 2, error: error)]);
        return trace;
    }
}
