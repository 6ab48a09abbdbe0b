using OtlpGrains.Evaluate.Replay;
using Xunit;

namespace OtlpGrains.Silo.Tests.Replay;

/// <summary>CSV records with the quoting the Nezha log files use.</summary>
public sealed class CsvRecordReaderTests
{
    [Fact]
    public void QuotedFieldsKeepCommasQuotesAndLineBreaks()
    {
        using var reader = new CsvRecordReader(new StringReader("a,b,c\r\n1,\"x, \"\"y\"\"\nz\",3\n,,\n"), "test.csv");

        Assert.Equal(["a", "b", "c"], reader.Read()!);
        Assert.Equal(["1", "x, \"y\"\nz", "3"], reader.Read()!);
        Assert.Equal(["", "", ""], reader.Read()!);
        Assert.Null(reader.Read());
        Assert.Equal(3, reader.Record);
    }

    [Fact]
    public void LastRecordWithoutLineBreakIsRead()
    {
        using var reader = new CsvRecordReader(new StringReader("a,b\n1,2"), "test.csv");

        reader.Read();
        Assert.Equal(["1", "2"], reader.Read()!);
        Assert.Null(reader.Read());
    }

    [Fact]
    public void UnterminatedQuoteIsRefusedWithItsRecord()
    {
        using var reader = new CsvRecordReader(new StringReader("a\n\"open\n"), "test.csv");
        reader.Read();

        var e = Assert.Throws<ReplayInputException>(() => reader.Read());
        Assert.Equal("test.csv: record 2 ends inside a quoted field", e.Message);
    }
}
