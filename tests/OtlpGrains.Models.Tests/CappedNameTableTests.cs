using OtlpGrains.Models.Services;
using Xunit;

namespace OtlpGrains.Models.Tests;

public sealed class CappedNameTableTests
{
    [Fact]
    public void NamesGetDenseIdsUpToTheCapacityAndReservedNamesDoNotCount()
    {
        var table = new CappedNameTable(2);

        Assert.Equal(0, table.GetOrAdd("a"));
        Assert.Equal(1, table.GetOrAddReserved("other"));
        Assert.Equal(2, table.GetOrAdd("b"));
        Assert.Equal(-1, table.GetOrAdd("c"));
        Assert.Equal(0, table.GetOrAdd("a"));
        Assert.Equal(1, table.GetOrAddReserved("other"));

        Assert.Equal(3, table.Count);
        Assert.Equal(["a", "other", "b"], Enumerable.Range(0, table.Count).Select(table.NameOf));
        Assert.False(table.TryGetId("c", out _)); // a refused name is not remembered
        Assert.True(table.TryGetId("b", out int id));
        Assert.Equal(2, id);
    }
}
