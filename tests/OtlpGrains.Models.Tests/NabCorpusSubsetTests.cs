using OtlpGrains.Models.Evaluation.Nab;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Models.Tests;

/// <summary>Halves of the corpus, for choosing settings on one and checking them on the other.</summary>
public sealed class NabCorpusSubsetTests
{
    private static readonly Lazy<NabCorpus> Corpus = new(() => NabCorpus.Load(SharedData.Directory("nab")));

    [Fact]
    public void HalvesSplitTheFilesByIndexAndCountOnlyTheirOwnWindows()
    {
        NabCorpus all = Corpus.Value;
        NabCorpus even = all.Subset(i => i % 2 == 0), odd = all.Subset(i => i % 2 == 1);

        Assert.Equal(all.Files.Where((_, i) => i % 2 == 0).Select(f => f.RelativePath), even.Files.Select(f => f.RelativePath));
        Assert.Equal(all.Files.Where((_, i) => i % 2 == 1).Select(f => f.RelativePath), odd.Files.Select(f => f.RelativePath));
        Assert.Equal(all.WindowCount, even.WindowCount + odd.WindowCount);
        Assert.Equal(even.Files.Sum(f => f.Windows.Count), even.WindowCount);
        Assert.Same(all.Profiles, even.Profiles);
    }

    [Fact]
    public void AnEmptySubsetIsRefusedInOneLine()
    {
        var e = Assert.Throws<NabFormatException>(() => Corpus.Value.Subset(_ => false));
        Assert.Contains("keeps none of the 58 files", e.Message);
    }
}
