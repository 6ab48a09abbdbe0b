using OtlpGrains.Models.Evaluation.Loghub;
using Xunit;

namespace OtlpGrains.Models.Tests.Logs;

public sealed class LoghubAccuracyTests
{
    [Fact]
    public void AMessageIsGroupedRightOnlyWhenItsGroupIsExactlyItsTrueGroup()
    {
        string[] truth = ["A", "A", "B", "B", "C", "D"];

        Assert.Equal(1.0, LoghubAccuracy.Grouping([7, 7, 3, 3, 5, 6], truth));

        // A and B merged: four messages wrong; C split from nothing, D right.
        Assert.Equal(2.0 / 6, LoghubAccuracy.Grouping([1, 1, 1, 1, 5, 6], truth), 12);

        // B split in two: both B messages wrong, the rest right.
        Assert.Equal(4.0 / 6, LoghubAccuracy.Grouping([1, 1, 2, 3, 5, 6], truth), 12);

        // Whitespace does not make two true groups.
        Assert.Equal(1.0, LoghubAccuracy.Grouping([1, 1], ["x  <*>", "x <*> "]));
    }

    [Fact]
    public void ParsingComparesTemplatesAfterWhitespaceIsNormalised()
    {
        string[] truth = ["session opened for user <*>", "Fan speeds ( <*> <*> )", "a <*>"];
        string[] predicted = ["session  opened for user <*> ", "Fan speeds (<*> <*>)", "a <*>"];
        Assert.Equal(2.0 / 3, LoghubAccuracy.Parsing(predicted, truth), 12);
    }

    [Fact]
    public void MismatchedLengthsAreRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => LoghubAccuracy.Grouping([1, 2], ["a"]));
        Assert.Equal("2 predictions for 1 messages", error.Message);
    }

    [Fact]
    public void CsvCellsMayHoldQuotesCommasAndLineBreaks()
    {
        List<string[]> records = LoghubCsv.Parse(
            "LineId,Content,EventTemplate\r\n1,\"tag=\"\"a, b\"\"\",x\n\n2,\"two\nlines\",\"\"\n",
            "test.csv");
        Assert.Equal(3, records.Count);
        Assert.Equal(["1", "tag=\"a, b\"", "x"], records[1]);
        Assert.Equal(["2", "two\nlines", ""], records[2]);
    }

    [Theory]
    [InlineData("a,b\n1,2,3\n", "test.csv:2: 3 cells, the header has 2")]
    [InlineData("a,b\n1,\"open\n", "test.csv:2: a quoted cell is not closed")]
    [InlineData("a,b\n1,\"x\"y\n", "test.csv:2: text after a closing quote")]
    [InlineData("", "test.csv: empty file")]
    public void BadCsvIsRefusedWithOneLine(string text, string message)
    {
        var error = Assert.Throws<LoghubFormatException>(() => LoghubCsv.Parse(text, "test.csv"));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void SystemsAreFoundByFolderAndColumnsByName()
    {
        string root = Directory.CreateTempSubdirectory("loghub-test").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "Mini"));
            Directory.CreateDirectory(Path.Combine(root, "NotASystem"));
            File.WriteAllText(
                Path.Combine(root, "Mini", "Mini" + LoghubSystem.FileSuffix),
                "LineId,Level,Content,EventId,EventTemplate\n" +
                "1,INFO,login of user alice,E1,login of user <*>\n" +
                "2,INFO,login of user bob,E1,login of user <*>\n" +
                "3,WARN,\"disk full, 95%\",E2,\"disk full, <*>\"\n");

            LoghubSystem system = Assert.Single(LoghubSystem.LoadAll(root));
            Assert.Equal("Mini", system.Name);
            Assert.Equal(["login of user alice", "login of user bob", "disk full, 95%"], system.Contents);

            LoghubRun run = LoghubRun.Parse(system, Models.Logs.LogMinerOptions.Default);
            Assert.Equal(1.0, run.GroupingAccuracy);
            Assert.Equal(1.0, run.ParsingAccuracy);

            File.WriteAllText(Path.Combine(root, "Mini", "Mini" + LoghubSystem.FileSuffix), "LineId,Text\n1,x\n");
            var error = Assert.Throws<LoghubFormatException>(() => LoghubSystem.LoadAll(root));
            Assert.EndsWith("no Content column in the header", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
