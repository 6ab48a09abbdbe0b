using OtlpGrains.Models.Evaluation.Rca;
using Xunit;

namespace OtlpGrains.Models.Tests.Evaluation;

public sealed class RcaScorerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void RunsScoredOnTheirOwnIncidentsAddUp()
    {
        // Two systems at the same times: each fault is judged on its own system's incidents only.
        RcaResult shop = RcaScorer.Score([new("shop-cart", T0, "latency")], [new("s1", T0.AddSeconds(20), ["shop-cart"])]);
        RcaResult bank = RcaScorer.Score(
            [new("bank-ledger", T0, "errors"), new("bank-api", T0.AddMinutes(10), "errors")],
            [new("b1", T0.AddSeconds(40), ["bank-gateway", "bank-ledger"])]);

        RcaResult total = RcaScorer.Summarize([.. shop.Outcomes, .. bank.Outcomes]);

        Assert.Equal((3, 2), (total.Faults, total.Detected));
        Assert.Equal(1.0 / 3, total.AccuracyAt1, 12);
        Assert.Equal(2.0 / 3, total.AccuracyAt3, 12);
        Assert.Equal(30, total.MedianTimeToDetectSeconds); // 20 and 40
        Assert.Equal((0, 0.0, (double?)null), (RcaScorer.Summarize([]).Faults, RcaScorer.Summarize([]).AccuracyAt1, RcaScorer.Summarize([]).MedianTimeToDetectSeconds));
    }

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

    [Fact]
    public void AnIncidentOpenedJustBeforeTheListedInjectionIsReportedButNotCounted()
    {
        RcaFault[] faults = [new("route", T0, "exception"), new("basic", T0.AddMinutes(20), "return")];
        RcaIncident[] incidents =
        [
            new("old", T0.AddSeconds(-120), ["route"]),              // too early to be this fault's
            new("early", T0.AddSeconds(-30), ["travel", "route"]),
            new("late", T0.AddSeconds(200), ["travel"]),
            new("basic", T0.AddMinutes(20).AddSeconds(10), ["basic"]),
        ];

        RcaResult result = RcaScorer.Score(faults, incidents);

        Assert.Equal("late", result.Outcomes[0].Incident!.Id); // the line keeps the rule
        var early = RcaScorer.EarlyIncident(result.Outcomes[0], incidents, TimeSpan.FromSeconds(60));
        Assert.Equal(("early", 2), (early!.Value.Incident.Id, early.Value.Rank));
        Assert.Null(RcaScorer.EarlyIncident(result.Outcomes[1], incidents, TimeSpan.FromSeconds(60))); // ranked first: nothing to explain
    }
}
