using OtlpGrains.Models.Evaluation.Rca;
using Xunit;

namespace OtlpGrains.Models.Tests.Evaluation;

public sealed class RcaScorerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ScoresEachFaultByTheFirstIncidentDetectedWithinFiveMinutes()
    {
        RcaFault[] faults =
        [
            new("payment", T0, "cpu"),                       // first at rank 1
            new("checkout", T0.AddMinutes(20), "latency"),   // rank 3
            new("search", T0.AddMinutes(40), "errors"),      // detected, but not among the causes
            new("cart", T0.AddMinutes(60), "return"),        // no incident in time: a miss
        ];
        RcaIncident[] incidents =
        [
            new("a", T0.AddSeconds(30), ["payment", "checkout"]),
            new("b", T0.AddSeconds(40), ["frontend"]),                              // later than a: not judged
            new("c", T0.AddMinutes(20).AddSeconds(50), ["frontend", "orders", "checkout"]),
            new("d", T0.AddMinutes(40).AddSeconds(10), ["frontend"]),
            new("e", T0.AddMinutes(59), ["cart"]),                                  // before the injection
            new("f", T0.AddMinutes(66), ["cart"]),                                  // more than 5 minutes after
        ];

        RcaResult result = RcaScorer.Score(faults, incidents);

        Assert.Equal(4, result.Faults);
        Assert.Equal(3, result.Detected);
        Assert.Equal(0.25, result.AccuracyAt1);
        Assert.Equal(0.5, result.AccuracyAt3);
        Assert.Equal((0.25 + 0.25 + 0.5 + 0.5 + 0.5) / 5, result.AverageAt5, 12);
        Assert.Equal(30 + 0, result.MedianTimeToDetectSeconds); // 30, 50, 10 -> 30
        Assert.Equal([1, 3, null, null], result.Outcomes.Select(o => o.Rank));
        Assert.Equal(["a", "c", "d", null], result.Outcomes.Select(o => o.Incident?.Id));
    }

    [Fact]
    public void NoIncidentsMeansNothingDetected()
    {
        RcaResult result = RcaScorer.Score([new("payment", T0, "cpu")], []);
        Assert.Equal(0, result.Detected);
        Assert.Equal(0, result.AccuracyAt1);
        Assert.Null(result.MedianTimeToDetectSeconds);
    }
}
