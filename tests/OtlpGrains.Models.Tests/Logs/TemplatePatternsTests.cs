using OtlpGrains.Models.Logs;
using Xunit;

namespace OtlpGrains.Models.Tests.Logs;

/// <summary>
/// Code paths from log lines: spans count each template and transition once, and a shifted share is found against
/// the learned one whatever the mix of requests, while a steady mix is not.
/// </summary>
public sealed class TemplatePatternsTests
{
    // Templates of a contacts service: 1 = "find contacts", 2 = "found", 3 = "returned early".
    private const int Find = 1, Found = 2, Early = 3, Other = 4;

    [Fact]
    public void ASpanCountsEachTemplateAndTransitionOnceAndLinesWithoutSpansOnlyTheirTemplate()
    {
        var chain = new SpanTemplateChain();

        Assert.Equal((TemplateTransition.Start(Find), -1L), chain.Follow(7, Find));
        Assert.Equal((TemplateTransition.Start(Found), TemplateTransition.Key(Find, Found)), chain.Follow(7, Found));
        Assert.Equal((-1L, TemplateTransition.Key(Found, Find)), chain.Follow(7, Find));
        Assert.Equal((-1L, -1L), chain.Follow(7, Found));
        Assert.Equal((TemplateTransition.Start(Found), -1L), chain.Follow(0, Found));
        Assert.Equal((TemplateTransition.Start(Find), -1L), chain.Follow(8, Find));
    }

    [Fact]
    public void ASpanTiesItsOperationToItsFirstLineInEitherOrderAndASpanWithoutLinesOnlyCounts()
    {
        var chain = new SpanTemplateChain();
        int query = TemplateTransition.Operation(3);
        chain.Follow(7, Find);
        chain.Follow(7, Found);

        Assert.Equal((TemplateTransition.Start(query), TemplateTransition.Key(query, Find)), chain.Close(7, query));
        Assert.Equal((TemplateTransition.Start(query), -1L), chain.Close(9, query));
        Assert.Equal((-1L, -1L), chain.Close(7, query));

        // The span ended before its lines arrived: the first of them follows the operation.
        chain.Close(11, query);
        Assert.Equal((TemplateTransition.Start(Find), TemplateTransition.Key(query, Find)), chain.Follow(11, Find));
        Assert.Equal((TemplateTransition.Start(Found), TemplateTransition.Key(Find, Found)), chain.Follow(11, Found));
        Assert.True(TemplateTransition.IsOperation(query));
        Assert.Equal(3, TemplateTransition.OperationId(query));
        Assert.False(TemplateTransition.IsStart(TemplateTransition.Key(query, Find)));
    }

    [Fact]
    public void AnOperationWhoseSpansStopLoggingShowsAsAShift()
    {
        // PriceController.query usually logs "price found" first; an exception thrown before the log leaves its spans
        // without lines: only the operation's start key counts them.
        int query = TemplateTransition.Operation(0);
        var patterns = new TemplatePatterns();
        patterns.Learn(new Dictionary<long, long> { [TemplateTransition.Start(query)] = 100, [TemplateTransition.Key(query, Found)] = 95, [TemplateTransition.Start(Found)] = 95 }, 1);

        List<PatternShift> shifts = patterns.Shifts(new Dictionary<long, long> { [TemplateTransition.Start(query)] = 40, [TemplateTransition.Key(query, Found)] = 12, [TemplateTransition.Start(Found)] = 12 });

        PatternShift shift = Assert.Single(shifts);
        Assert.Equal((query, Found, 12L, 40L), (shift.From, shift.To, shift.Followed, shift.Lines));
    }

    [Fact]
    public void ABusyServiceWhoseSpansEndSecondsAfterTheirLinesKeepsTheirPaths()
    {
        // 15,000 spans log (3 s at 5,000 a second) before their ends come in the next batch of spans.
        var chain = new SpanTemplateChain();
        const ulong Spans = 15_000;
        for (ulong span = 1; span <= Spans; span++)
        {
            chain.Follow(span, Find);
        }

        int operation = TemplateTransition.Operation(0);
        long paired = 0;
        for (ulong span = 1; span <= Spans; span++)
        {
            paired += chain.Close(span, operation).Transition == TemplateTransition.Key(operation, Find) ? 1 : 0;
        }

        Assert.Equal((long)Spans, paired);
    }

    [Fact]
    public void ASpanForgottenForTwoGenerationsStartsAfresh()
    {
        var chain = new SpanTemplateChain();
        chain.Follow(1, Find);
        for (ulong span = 2; span < 2 + (2 * (ulong)SpanTemplateChain.GenerationSize); span++)
        {
            chain.Follow(span, Other);
        }

        Assert.Equal((TemplateTransition.Start(Found), -1L), chain.Follow(1, Found));
    }

    [Fact]
    public void AnEarlyReturnShowsAsAShiftedShareAndASteadyMixDoesNot()
    {
        var patterns = new TemplatePatterns();
        patterns.Learn(Spans((Find, Found, 200), (Other, 0, 50)), 1);

        // Four times the traffic, same paths: nothing shifted.
        Assert.Empty(patterns.Shifts(Spans((Find, Found, 800), (Other, 0, 10))));

        // Most finds now end early.
        List<PatternShift> shifts = patterns.Shifts(Spans((Find, Found, 5), (Find, Early, 20)));

        PatternShift lost = Assert.Single(shifts, s => s.To == Found);
        Assert.Equal((Find, 5L, 25L, 1.0), (lost.From, lost.Followed, lost.Lines, lost.UsualShare));
        PatternShift gained = Assert.Single(shifts, s => s.To == Early);
        Assert.Equal((20L, 0.0), (gained.Followed, gained.UsualShare));
        Assert.True(lost.Surprise > 15, $"surprise {lost.Surprise}");
    }

    [Fact]
    public void AShortHistoryWeighsLessThanALongOne()
    {
        var shortHistory = new TemplatePatterns();
        shortHistory.Learn(Spans((Find, Found, 6)), 1);
        var longHistory = new TemplatePatterns();
        longHistory.Learn(Spans((Find, Found, 600)), 1);
        Dictionary<long, long> now = Spans((Find, Found, 5), (Find, Early, 20));

        Assert.True(shortHistory.Shifts(now)[0].Surprise < longHistory.Shifts(now)[0].Surprise);
        Assert.Empty(new TemplatePatterns().Shifts(now));
    }

    [Fact]
    public void ARangeAlreadyLearnedIsJudgedAgainstWhatCameBeforeIt()
    {
        var patterns = new TemplatePatterns();
        patterns.Learn(Spans((Find, Found, 30)), 1);
        Dictionary<long, long> incident = Spans((Find, Found, 3), (Find, Early, 27));
        patterns.Learn(incident, 1);

        PatternShift afterTheFact = patterns.Shifts(incident, learnedAlready: true).Single(s => s.To == Found);
        PatternShift learnedIn = patterns.Shifts(incident).Single(s => s.To == Found);

        Assert.Equal(1.0, afterTheFact.UsualShare);
        Assert.Equal(0.55, learnedIn.UsualShare, 6);
        Assert.True(afterTheFact.Surprise > learnedIn.Surprise);
    }

    [Fact]
    public void ALoopRepeatingItsTemplateIsNotAPath()
    {
        var patterns = new TemplatePatterns();
        patterns.Learn(Spans((Find, Find, 100), (Find, Found, 100)), 1);

        Assert.DoesNotContain(patterns.Shifts(Spans((Find, Found, 100))), s => s.To == Find);
    }

    [Fact]
    public void ASourcePastTheLimitIsHalvedKeepingItsShares()
    {
        var patterns = new TemplatePatterns();
        patterns.Learn(Spans((Find, Found, 4000)), 1);
        patterns.Learn(Spans((Find, Found, 2000)), 1);

        Assert.Equal(3000, patterns.SpansOf(Find));
        Assert.Empty(patterns.Shifts(Spans((Find, Found, 100))));
    }

    // Start and transition counts of spans that each log `from` and then, unless `to` is 0, `to`.
    private static Dictionary<long, long> Spans(params (int From, int To, long Count)[] paths)
    {
        var counts = new Dictionary<long, long>();
        foreach (var (from, to, count) in paths)
        {
            Add(counts, TemplateTransition.Start(from), count);
            if (to != 0)
            {
                Add(counts, TemplateTransition.Start(to), from == to ? 0 : count);
                Add(counts, TemplateTransition.Key(from, to), count);
            }
        }

        return counts;
    }

    private static void Add(Dictionary<long, long> counts, long key, long count) => counts[key] = counts.GetValueOrDefault(key) + count;
}
