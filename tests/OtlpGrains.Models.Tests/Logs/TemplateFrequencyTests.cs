using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OtlpGrains.Models.Logs;
using Xunit;

namespace OtlpGrains.Models.Tests.Logs;

/// <summary>
/// A template's usual frequency judges a range of windows by the Chernoff bound of a Poisson tail: nothing for its
/// usual number of lines, much for lines of a template that had been quiet, and less for a bursty template; a
/// template's rate counts once the service ran without it, or once it has been learned for the model's memory.
/// </summary>
public sealed class TemplateFrequencyTests
{
    [Fact]
    public void ATemplateAtZeroIsJudgedAsOneSeenOnceInWhatTheModelRemembers()
    {
        var frequency = new TemplateFrequency();
        double expected = 6 / TemplateFrequency.MemoryWindows;

        Assert.Equal((3 * Math.Log(3 / expected)) - 3 + expected, frequency.RangeSurprise(0, 3, 6), 9);
        Assert.Equal(0, frequency.RangeSurprise(0, 0, 6));
        Assert.Equal(0, frequency.RangeSurprise(0, 3, 0));
    }

    [Fact]
    public void ATemplatesUsualLinesOverAMinuteAreNoSurpriseAndFiveTimesThemAre()
    {
        var frequency = new TemplateFrequency();
        var random = new Random(3);
        for (int w = 0; w < 600; w++)
        {
            frequency.Learn([new(0, Poisson(random, 2))]);
        }

        Assert.True(frequency.RangeSurprise(0, 12, 6) < 1, $"{frequency.RangeSurprise(0, 12, 6)}");
        Assert.True(frequency.RangeSurprise(0, 60, 6) > 16.1, $"{frequency.RangeSurprise(0, 60, 6)}");
    }

    [Fact]
    public void ABurstyTemplateIsLessSurprisingThanASteadyOneOfTheSameRate()
    {
        var steady = new TemplateFrequency();
        var bursty = new TemplateFrequency();
        var random = new Random(5);
        for (int w = 0; w < 600; w++)
        {
            steady.Learn([new(0, Poisson(random, 3))]);
            bursty.Learn([new(0, w % 5 == 0 ? 15 : 0)]);
        }

        Assert.True(bursty.RangeSurprise(0, 40, 6) < steady.RangeSurprise(0, 40, 6) / 2, $"{bursty.RangeSurprise(0, 40, 6)} against {steady.RangeSurprise(0, 40, 6)}");
    }

    [Fact]
    public void ATemplateOfTheFirstWindowsHasAKnownRateOnlyOnceLearnedForAMemoryAndALaterOneAtOnce()
    {
        var frequency = new TemplateFrequency();
        for (int w = 0; w < 20; w++)
        {
            frequency.Learn(w < 12 ? [new(0, 2)] : [new(0, 2), new(1, 1)]);
        }

        Assert.False(frequency.RateKnown(0, settlingWindows: 12)); // came with the service: its mean is still catching up
        Assert.True(frequency.RateKnown(1, settlingWindows: 12)); // came after 12 windows without it
        Assert.False(frequency.RateKnown(2, settlingWindows: 12)); // never seen
        for (int w = 20; w < (int)TemplateFrequency.MemoryWindows + 1; w++)
        {
            frequency.Learn([new(0, 2)]);
        }

        Assert.True(frequency.RateKnown(0, settlingWindows: 12));
    }

    [Fact]
    public void BirthsSurviveACheckpointAndAModelStoredWithoutThemCountsItsTemplatesAsLongLearned()
    {
        using ServiceProvider services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        var frequency = new TemplateFrequency();
        for (int w = 0; w < 20; w++)
        {
            frequency.Learn(w < 12 ? [new(0, 2)] : [new(0, 2), new(1, 1)]);
        }

        TemplateFrequency restored = serializer.Deserialize<TemplateFrequency>(serializer.SerializeToArray(frequency))!;
        Assert.False(restored.RateKnown(0, settlingWindows: 12));
        Assert.True(restored.RateKnown(1, settlingWindows: 12));

        // As stored before births were kept: no births at all.
        typeof(TemplateFrequency).GetField("_bornAt", BindingFlags.NonPublic | BindingFlags.Instance)!.SetValue(restored, null);
        restored.Learn([new(0, 2), new(2, 1)]);
        frequency.Learn([new(0, 2), new(2, 1)]);
        Assert.True(restored.RateKnown(0, settlingWindows: 12));
        Assert.True(restored.RateKnown(2, settlingWindows: 12));
        Assert.Equal(frequency.RangeSurprise(0, 30, 6), restored.RangeSurprise(0, 30, 6), 9); // the rates are untouched
    }

    private static long Poisson(Random random, double mean)
    {
        // Knuth's method: fine for small means.
        double limit = Math.Exp(-mean);
        double product = random.NextDouble();
        long k = 0;
        while (product > limit)
        {
            product *= random.NextDouble();
            k++;
        }

        return k;
    }
}
