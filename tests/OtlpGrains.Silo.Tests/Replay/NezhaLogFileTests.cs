using OtlpGrains.Evaluate.Replay;
using Xunit;

namespace OtlpGrains.Silo.Tests.Replay;

/// <summary>Log rows: the text out of the container JSON, and the level out of the text.</summary>
public sealed class NezhaLogFileTests
{
    [Theory]
    [InlineData("16:42:22.382 INFO  t.s.TravelServiceImpl#532 TraceID: x", 9, "INFO")]
    [InlineData("16:42:22.382 WARN  t.s.TravelServiceImpl#532 slow", 13, "WARN")]
    [InlineData("16:42:22.382 ERROR f.s.FoodServiceImpl#302 failed", 17, "ERROR")]
    [InlineData("2023-01-29 16:42:22.382 error something", 17, "ERROR")]
    [InlineData("16:42:22 DEBUG x", 5, "DEBUG")]
    [InlineData("16:42:22 TRACE x", 1, "TRACE")]
    [InlineData("16:42:22 FATAL x", 21, "FATAL")]
    [InlineData("16:42:22 WARNING x", 13, "WARN")]
    [InlineData("no level here at all, not even ERROR later", 0, "")]
    [InlineData("", 0, "")]
    public void LevelComesFromTheLeadingWords(string line, int number, string text) =>
        Assert.Equal((number, text), LogSeverity.Of(line));

    [Fact]
    public void RowsGiveTextLevelIdsAndTime()
    {
        const string Csv = "Timestamp,TimeUnixNano,Node,PodName,Container,TraceID,SpanID,Log\n" +
            "2023-01-29T08:42:22.38Z,1674981742383150913,33.33.33.116,ts-travel-service-64469b5b48-25zj6,server," +
            "ffc8ca7e4c8f06c75142c880d5595d96,439bc949a9eeb0cc," +
            "\"{\"\"log\"\":\"\"16:42:22.382 ERROR t.s.TravelServiceImpl#532 Route, not found\\n\"\",\"\"stream\"\":\"\"stdout\"\"}\"\n";
        using var reader = new CsvRecordReader(new StringReader(Csv), "log.csv");

        NezhaLogLine line = Assert.Single(NezhaLogFile.Read(reader, "log.csv"));

        Assert.Equal("16:42:22.382 ERROR t.s.TravelServiceImpl#532 Route, not found", line.Text);
        Assert.Equal((17, "ERROR"), (line.SeverityNumber, line.SeverityText));
        Assert.Equal(("ts-travel-service", "ffc8ca7e4c8f06c75142c880d5595d96", "439bc949a9eeb0cc"), (line.Service, line.TraceId, line.SpanId));
        Assert.Equal(1674981742383150913, line.TimeUnixNano);
    }

    [Theory]
    [InlineData("{\"log\":\"a line\\n\",\"stream\":\"stdout\"}junk after the object", "a line")]
    [InlineData("{\"stream\":\"stdout\",\"log\":\"second field\"}", "second field")]
    [InlineData("plain text\n", "plain text")]
    public void TextIsTheLogFieldOfTheFirstObject(string column, string text) =>
        Assert.Equal(text, NezhaLogFile.TextOf(column));

    [Fact]
    public void ShortRowIsRefusedWithItsRecord()
    {
        using var reader = new CsvRecordReader(new StringReader("Timestamp,TimeUnixNano,Node,PodName,Container,TraceID,SpanID,Log\nx,1\n"), "log.csv");

        var e = Assert.Throws<ReplayInputException>(() => NezhaLogFile.Read(reader, "log.csv"));
        Assert.Equal("log.csv: record 2 has 2 fields, the header 8", e.Message);
    }

    [Theory]
    [InlineData("1674981742383150913", "2023-01-29T08:42:22.38Z", 1674981742383150913)]
    [InlineData("-6795364578871345152", "2023-01-29T09:20:29.295", 1674984029295000000)]
    [InlineData("", "2023-01-29T08:42:22.383150913Z", 1674981742383150913)]
    [InlineData("0", "2023-01-29T08:42:22", 1674981742000000000)]
    public void CorruptUnixTimeFallsBackToTheTimestamp(string unixNanos, string timestamp, long expected) =>
        Assert.Equal(expected, NezhaLogFile.TimeOf(unixNanos, timestamp));

    [Fact]
    public void TornRowsAreRefusedAloneOrSkippedAndCounted()
    {
        const string Csv = "Timestamp,TimeUnixNano,Node,PodName,Container,TraceID,SpanID,Log\n" +
            "yesterday,-1,n,p,server,,,\"{\"\"log\"\":\"\"16:42:22.382 INFO a\"\"}\"\n" +
            "2023-01-29T08:42:22Z,1,n,p,server,,,\"{\"\"log\"\":\"\"x\"\"}\"tail,\"\"more\"\"\n" +
            "2023-01-29T08:42:22Z,1674981742000000000,n,p,server,,,\"{\"\"log\"\":\"\"16:42:22.382 INFO kept\"\"}\"\n";
        var malformed = new MalformedRows();

        var e = Assert.Throws<ReplayInputException>(() => NezhaLogFile.Read(new CsvRecordReader(new StringReader(Csv), "log.csv"), "log.csv"));
        NezhaLogLine kept = Assert.Single(NezhaLogFile.Read(new CsvRecordReader(new StringReader(Csv), "log.csv"), "log.csv", malformed));

        Assert.Equal("log.csv: record 2 has neither a TimeUnixNano ('-1') nor a Timestamp ('yesterday') to go by", e.Message);
        Assert.Equal("16:42:22.382 INFO kept", kept.Text);
        Assert.Equal(2, malformed.Count);
        Assert.Equal(e.Message, malformed.First);
    }
}
