using System.Text;
using OtlpGrains.Gateway.Otlp;
using Xunit;

namespace OtlpGrains.Gateway.Tests;

public sealed class Utf8NameTableTests
{
    [Fact]
    public void FindsEveryNameAndNothingElse()
    {
        // Names that share ends, middles and lengths, so that probes collide.
        string[] names = [.. Enumerable.Range(0, 200).Select(i => $"field{i}Name"), "startTimeUnixNano", "endTimeUnixNano", "a", "é"];
        var table = new Utf8NameTable<int>(names.Select((name, i) => new KeyValuePair<string, int>(name, i)));

        for (int i = 0; i < names.Length; i++)
        {
            Assert.True(table.TryFind(Encoding.UTF8.GetBytes(names[i]), out int found));
            Assert.Equal(i, found);
        }

        Assert.False(table.TryFind("field200Name"u8, out _));
        Assert.False(table.TryFind("startTimeUnixNanos"u8, out _));
        Assert.False(table.TryFind(""u8, out _));
        Assert.False(table.TryFind("A"u8, out _));
    }

    [Fact]
    public void RefusesTwoEntriesWithOneName() =>
        Assert.Throws<ArgumentException>(() => new Utf8NameTable<int>([new("name", 1), new("name", 2)]));
}
