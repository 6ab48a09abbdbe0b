using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Artifacts;
using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Detection.Resonance;
using Xunit;

namespace OtlpGrains.Models.Tests.Detection.Resonance;

/// <summary>A resonance state through the Orleans serializer, and a resonance model through its artifact.</summary>
public sealed class ResonanceSnapshotTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void RestoredStateScoresLikeTheOriginal()
    {
        var serializer = _services.GetRequiredService<Serializer>();
        var model = new ResonanceModel(FeatureSchema.Red, ResonanceOptions.Default);
        DetectorState original = model.NewState();
        int onset = 3 * SyntheticRed.WindowsPerDay;
        var service = new SyntheticRed(seed: 9, Fault.ErrorBurst, onset);
        var windows = Enumerable.Range(0, onset + 50).Select(service.Window).ToArray();
        int snapshotAt = onset - 301; // mid-block: the partial block must survive too
        for (int w = 0; w < snapshotAt; w++)
        {
            model.Score(original, SyntheticRed.StartOf(w), windows[w]);
        }

        DetectorState restored = serializer.Deserialize<DetectorState>(serializer.SerializeToArray(original))!;
        Assert.NotSame(original, restored);
        Assert.Equal(ResonanceModel.KindName, restored.Kind);

        double highest = 0;
        for (int w = snapshotAt; w < windows.Length; w++)
        {
            AnomalyScore expected = model.Score(original, SyntheticRed.StartOf(w), windows[w]);
            AnomalyScore actual = model.Score(restored, SyntheticRed.StartOf(w), windows[w]);
            Assert.Equal(expected.Score, actual.Score);
            Assert.Equal(expected.SignalScores, actual.SignalScores);
            highest = Math.Max(highest, expected.Score);
        }

        // The compared windows include the error burst: equal scores of a detector that says nothing would prove little.
        Assert.True(highest > 0.5, $"the error burst scored at most {highest}");
    }

    [Fact]
    public void ArtifactRoundTripsEveryOption()
    {
        var options = new ResonanceOptions
        {
            Step = 3, Window = 4, Levels = 50, Chomp = 0.05, WarmUpPoints = 60, HistoryPoints = 200,
            MaxCategories = 64, InitialVigilance = 0.7, RestPoints = 9, MaxSignals = 7,
        };
        var model = new ResonanceModel(FeatureSchema.Red, options);
        var codecs = new ModelCodecs(DetectorCodecs.Create());
        byte[] artifact = codecs.For(ResonanceModel.KindName).Save(model);
        var loaded = (ResonanceModel)codecs.For(ResonanceModel.KindName).Load(artifact);

        Assert.Equal(options, loaded.Options);
        Assert.Equal(FeatureSchema.Red.Name, loaded.Schema.Name);
        Assert.Equal(artifact, codecs.For(ResonanceModel.KindName).Save(loaded));
    }

    [Fact]
    public void ArtifactWithABadOptionIsRefusedInOneLine()
    {
        var codec = new ResonanceCodec();
        byte[] artifact = codec.Save(new ResonanceModel(FeatureSchema.Univariate, ResonanceOptions.Default));
        // The options follow the envelope's header and schema; a corrupted byte fails the checksum before anything else.
        artifact[^40] ^= 0xFF;
        var e = Assert.Throws<ModelArtifactException>(() => codec.Load(artifact));
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void AModelWithARangeKnownInAdvanceIsNotSaved()
    {
        var lookahead = new ResonanceModel(FeatureSchema.Univariate, ResonanceOptions.Default with { KnownLow = 0, KnownHigh = 10 });
        var e = Assert.Throws<ArgumentException>(() => new ResonanceCodec().Save(lookahead));
        Assert.Contains("benchmarks only", e.Message);
    }

    [Fact]
    public void HalfAKnownRangeIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => new ResonanceModel(FeatureSchema.Univariate, ResonanceOptions.Default with { KnownLow = 0 }));
        Assert.Contains("KnownHigh", e.Message);
    }
}
