using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OtlpGrains.Models.Evaluation.Loghub;
using OtlpGrains.Models.Logs;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Models.Tests.Logs;

public sealed class LogTemplateMinerTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void TemplatesGeneraliseWhereLinesDifferAndKeepTheirIds()
    {
        var miner = new LogTemplateMiner(LogMinerOptions.Default);

        int first = miner.Match("Accepted password for alice from 10.0.0.1 port 4242 ssh2");
        Assert.Equal(1, first);
        Assert.Equal("Accepted password for alice from <*> port <*> ssh2", miner.Template(first));

        Assert.Equal(first, miner.Match("Accepted password for bob from 10.0.0.9 port 51000 ssh2"));
        Assert.Equal("Accepted password for <*> from <*> port <*> ssh2", miner.Template(first));

        int second = miner.Match("Connection closed by 10.0.0.1 [preauth]", out bool created);
        Assert.Equal(2, second);
        Assert.True(created);
        Assert.Equal(second, miner.Match("Connection closed by 10.0.0.7 [preauth]", out created));
        Assert.False(created);
        Assert.Equal(second, miner.Match("Connection closed by 192.168.1.20 [preauth]"));
        Assert.Equal(first, miner.Match("Accepted password for carol from 10.0.0.3 port 22 ssh2"));
        Assert.Equal(2, miner.Count);
        Assert.Equal(3, miner.Templates[0].Count);
        Assert.Equal(3, miner.Templates[1].Count);
    }

    [Fact]
    public void AVariableSecondTokenStillFindsItsTemplate()
    {
        var miner = new LogTemplateMiner(LogMinerOptions.Default);
        int id = miner.Match("user alice logged in");
        foreach (string name in new[] { "bob", "carol", "dave", "erin" })
        {
            Assert.Equal(id, miner.Match($"user {name} logged in"));
        }

        Assert.Equal("user <*> logged in", miner.Template(id));

        // Short lines need two matching words after the second token: these are two events.
        int begin = miner.Match("layout begin");
        Assert.NotEqual(begin, miner.Match("layout end"));
    }

    [Fact]
    public void GeneralisationKeepsKeysAndBrackets()
    {
        var miner = new LogTemplateMiner(LogMinerOptions.Default);
        int id = miner.Match("NIFF: node node-A7 detected a failed connection (alpha)");
        Assert.Equal(id, miner.Match("NIFF: node node-B2 detected a failed connection (beta)"));
        Assert.Equal(id, miner.Match("NIFF: node node-C9 detected a failed connection ()"));
        Assert.Equal("NIFF: node node-<*> detected a failed connection (<*>)", miner.Template(id));
    }

    [Fact]
    public void LinesOfAnotherLengthOrShapeStartTheirOwnTemplates()
    {
        var miner = new LogTemplateMiner(LogMinerOptions.Default);
        int open = miner.Match("session opened for user root");
        int closed = miner.Match("cache flushed in 12 seconds");
        int longer = miner.Match("session opened for user root by admin");
        Assert.Equal([1, 2, 3], new[] { open, closed, longer });
        Assert.Equal("cache flushed in <*> seconds", miner.Template(closed));
    }

    [Fact]
    public void SettledWordsStartANewTemplateInsteadOfAWildcard()
    {
        var miner = new LogTemplateMiner(LogMinerOptions.Default with { SettleAfter = 4 });
        int https = miner.Match("example.org:443 open through proxy HTTPS");
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(https, miner.Match($"host{i}.example.org:80 open through proxy HTTPS"));
        }

        int socks = miner.Match("example.org:22 open through proxy SOCKS5");
        Assert.NotEqual(https, socks);
        Assert.Equal("<*> open through proxy HTTPS", miner.Template(https));

        // Before settling, the differing word is a variable.
        var young = new LogTemplateMiner(LogMinerOptions.Default with { SettleAfter = 4 });
        int id = young.Match("example.org:443 open through proxy HTTPS");
        Assert.Equal(id, young.Match("example.org:22 open through proxy SOCKS5"));
        Assert.Equal("<*> open through proxy <*>", young.Template(id));
    }

    [Fact]
    public void AFloodOfUniqueIdsMakesOneTemplate()
    {
        var miner = new LogTemplateMiner(LogMinerOptions.Default);
        var random = new Random(7);
        var ids = new HashSet<int>();
        for (int i = 0; i < 5000; i++)
        {
            ids.Add(miner.Match($"request {Guid.NewGuid()} for user {Word(random, 8)} served in {random.Next(1000)}ms"));
        }

        Assert.Single(ids);
        Assert.Equal("request <*> for user <*> served in <*>", miner.Template(ids.Single()));
    }

    [Fact]
    public void BodiesThatAreOnlyValuesShareATemplatePerShape()
    {
        var miner = new LogTemplateMiner(LogMinerOptions.Default);
        var random = new Random(5);
        var ids = new HashSet<int>();
        for (int i = 0; i < 1000; i++)
        {
            ids.Add(miner.Match(random.Next().ToString(System.Globalization.CultureInfo.InvariantCulture)));
            ids.Add(miner.Match($"{random.NextDouble()} {Guid.NewGuid()} 10.0.{random.Next(256)}.{random.Next(256)}"));
        }

        Assert.Equal(2, ids.Count);
        Assert.Equal(["<*>", "<*> <*> <*>"], ids.Order().Select(miner.Template));
    }

    [Fact]
    public void AFloodOfUniqueLeadingWordsStaysBounded()
    {
        var options = LogMinerOptions.Default with { MaxChildren = 20 };
        var miner = new LogTemplateMiner(options);
        var random = new Random(11);
        int countAtHalf = 0;
        for (int i = 0; i < 20_000; i++)
        {
            miner.Match($"{Word(random, 10)} {Word(random, 6)} connected");
            countAtHalf = i == 9_999 ? miner.Count : countAtHalf;
        }

        // Each routed level fills its node (MaxChildren - 1 keyed children), then every further word takes the
        // wildcard child, where the position counts as a variable: the second half of the flood adds nothing.
        Assert.Equal((options.RouteTokens * (options.MaxChildren - 1)) + 1, miner.Count);
        Assert.Equal(countAtHalf, miner.Count);
        Assert.Equal(0, miner.OtherCount);
    }

    [Fact]
    public void LinesBeyondTheBoundGoToOther()
    {
        var miner = new LogTemplateMiner(LogMinerOptions.Default with { MaxTemplates = 3 });
        for (int tokens = 1; tokens <= 3; tokens++)
        {
            Assert.Equal(tokens, miner.Match(string.Join(' ', Enumerable.Repeat("word", tokens))));
        }

        Assert.Equal(LogTemplateMiner.OtherId, miner.Match("a line of another length"));
        Assert.Equal(LogTemplateMiner.OtherId, miner.Match("and yet another length of line"));
        Assert.Equal(2, miner.Match("word word"));
        Assert.Equal(3, miner.Count);
        Assert.Equal(2, miner.OtherCount);
        Assert.Equal(LogTemplateMiner.OtherText, miner.Template(LogTemplateMiner.OtherId));
    }

    [Fact]
    public void TemplateTextIsBoundedToo()
    {
        var miner = new LogTemplateMiner(LogMinerOptions.Default with { MaxTemplateChars = 1024 });
        int created = 0;
        for (int i = 0; i < 100; i++)
        {
            // A new length each time: every line needs a template of its own.
            string line = string.Join(' ', Enumerable.Range(0, i + 1).Select(j => $"word{(char)('a' + (j % 26))}"));
            created += miner.Match(line) == LogTemplateMiner.OtherId ? 0 : 1;
        }

        Assert.Equal(created, miner.Count);
        Assert.True(miner.Templates.Sum(t => t.Text.Length + 1) <= 1024 + 64);
        Assert.True(miner.OtherCount > 0);
    }

    [Fact]
    public void RestoringGivesTheSameIdsAndTheSameFutureAssignments()
    {
        string directory = Path.Combine(SharedData.Directory("loghub-2k"), "Android");
        LoghubSystem system = LoghubSystem.Load("Android", Path.Combine(directory, "Android" + LoghubSystem.FileSuffix));
        var miner = new LogTemplateMiner(LogMinerOptions.Default);
        int half = system.Contents.Count / 2;
        for (int i = 0; i < half; i++)
        {
            miner.Match(system.Contents[i]);
        }

        LogTemplateMiner copy = RoundTrip(miner);
        Assert.Equal(miner.Count, copy.Count);
        for (int id = 1; id <= miner.Count; id++)
        {
            Assert.Equal(miner.Template(id), copy.Template(id));
            Assert.Equal(miner.Templates[id - 1].Count, copy.Templates[id - 1].Count);
        }

        for (int i = half; i < system.Contents.Count; i++)
        {
            Assert.Equal(miner.Match(system.Contents[i]), copy.Match(system.Contents[i]));
        }

        Assert.Equal(miner.Count, copy.Count);
        Assert.True(miner.Count > 100, $"only {miner.Count} templates: the stream does not exercise the tree");
        Assert.Equal(miner.Templates.Select(t => t.Text), copy.Templates.Select(t => t.Text));
    }

    [Fact]
    public void RestoringKeepsTheBoundsAndTheOtherCount()
    {
        var miner = new LogTemplateMiner(LogMinerOptions.Default with { MaxTemplates = 1 });
        miner.Match("first line");
        miner.Match("a second, longer line");

        LogTemplateMiner copy = RoundTrip(miner);
        Assert.Equal(1, copy.OtherCount);
        Assert.Equal(1, copy.Options.MaxTemplates);
        Assert.Equal(LogTemplateMiner.OtherId, copy.Match("yet another longer line here"));
        Assert.Equal(1, copy.Match("first line"));
    }

    [Fact]
    public void BadOptionsAndIdsAreRefusedWithAReason()
    {
        var error = Assert.Throws<ArgumentException>(() => new LogTemplateMiner(LogMinerOptions.Default with { Similarity = 0 }));
        Assert.Contains("LogMinerOptions.Similarity must be in (0, 1]", error.Message, StringComparison.Ordinal);

        var miner = new LogTemplateMiner(LogMinerOptions.Default);
        miner.Match("hello world");
        var missing = Assert.Throws<ArgumentOutOfRangeException>(() => miner.Template(2));
        Assert.Contains("no template 2: the miner has 1", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyBodiesShareOneTemplate()
    {
        var miner = new LogTemplateMiner(LogMinerOptions.Default);
        int empty = miner.Match("");
        Assert.Equal(empty, miner.Match("   "));
        Assert.Equal(string.Empty, miner.Template(empty));
    }

    private LogTemplateMiner RoundTrip(LogTemplateMiner miner)
    {
        Serializer serializer = _services.GetRequiredService<Serializer>();
        LogTemplateMiner? copy = serializer.Deserialize<LogTemplateMiner>(serializer.SerializeToArray(miner));
        Assert.NotNull(copy);
        return copy;
    }

    private static string Word(Random random, int length) =>
        string.Create(length, random, (span, r) =>
        {
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = (char)('a' + r.Next(26));
            }
        });
}
