using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OtlpGrains.Gateway.Ingest;
using OtlpGrains.Interfaces;
using Xunit;

namespace OtlpGrains.Gateway.Tests;

public sealed class LogLineReaderTests
{
    private const long Time = 1_700_000_000_000_000_000L;

    [Fact]
    public void CarriesBodyIdsSeverityTextAndAttributes()
    {
        byte[] trace = [.. Enumerable.Range(1, 16).Select(i => (byte)i)];
        byte[] span = [.. Enumerable.Range(0xA0, 8).Select(i => (byte)i)];
        var record = new LogRecord
        {
            Body = new AnyValue { StringValue = "connection refused to 10.0.0.7:5432" },
            SeverityNumber = SeverityNumber.Error,
            SeverityText = "ERROR",
            TraceId = ByteString.CopyFrom(trace),
            SpanId = ByteString.CopyFrom(span),
            Attributes = { new KeyValue { Key = "db.system", Value = new AnyValue { StringValue = "postgresql" } }, new KeyValue { Key = "retry", Value = new AnyValue { IntValue = 3 } } },
        };

        LogLine line = Plans.Line(record, Time, out bool cut);

        Assert.False(cut);
        Assert.Equal("connection refused to 10.0.0.7:5432", line.Body);
        Assert.Equal(17, line.SeverityNumber);
        Assert.Equal("ERROR", line.SeverityText);
        Assert.Equal(0x0102030405060708UL, line.TraceIdHigh);
        Assert.Equal(0x090A0B0C0D0E0F10UL, line.TraceIdLow);
        Assert.Equal(0xA0A1A2A3A4A5A6A7UL, line.SpanId);
        Assert.Equal([new LogField("db.system", "postgresql"), new LogField("retry", "3")], line.Attributes!);
        Assert.True(line.HasTrace);
    }

    [Fact]
    public void RendersOtherBodyKindsAsText()
    {
        var body = new AnyValue
        {
            KvlistValue = new KeyValueList
            {
                Values =
                {
                    new KeyValue { Key = "event", Value = new AnyValue { StringValue = "checkout" } },
                    new KeyValue { Key = "items", Value = new AnyValue { ArrayValue = new ArrayValue { Values = { new AnyValue { IntValue = 1 }, new AnyValue { DoubleValue = 2.5 }, new AnyValue { BoolValue = true } } } } },
                    new KeyValue { Key = "raw", Value = new AnyValue { BytesValue = ByteString.CopyFrom(1, 2, 3) } },
                },
            },
        };

        LogLine line = Plans.Line(new LogRecord { Body = body }, Time, out bool cut);

        Assert.False(cut);
        Assert.Equal("{event: checkout, items: [1, 2.5, true], raw: AQID}", line.Body);
        Assert.Equal("", Plans.Line(new LogRecord(), Time, out _).Body);
        Assert.False(Plans.Line(new LogRecord(), Time, out _).HasTrace);
    }

    [Fact]
    public void CutsLongBodiesAndAttributesAndSaysSo()
    {
        var record = new LogRecord { Body = new AnyValue { StringValue = new string('x', LogLimits.MaxBodyChars + 100) } };
        for (int i = 0; i < LogLimits.MaxAttributes + 3; i++)
        {
            record.Attributes.Add(new KeyValue { Key = $"k{i}", Value = new AnyValue { StringValue = "v" } });
        }

        LogLine line = Plans.Line(record, Time, out bool cut);

        Assert.True(cut);
        Assert.Equal(LogLimits.MaxBodyChars, line.Body.Length);
        Assert.Equal(LogLimits.MaxAttributes, line.Attributes!.Length);

        // A nested body is cut too, and a cut never splits a surrogate pair.
        var nested = new AnyValue { ArrayValue = new ArrayValue() };
        for (int i = 0; i < 3000; i++)
        {
            nested.ArrayValue.Values.Add(new AnyValue { StringValue = "abcdef" });
        }

        Assert.Equal(LogLimits.MaxBodyChars, Plans.Line(new LogRecord { Body = nested }, Time, out bool nestedCut).Body.Length);
        Assert.True(nestedCut);
        string emoji = new string('a', LogLimits.MaxBodyChars - 1) + "\U0001F600";
        string kept = Plans.Line(new LogRecord { Body = new AnyValue { StringValue = emoji } }, Time, out _).Body;
        Assert.Equal(LogLimits.MaxBodyChars - 1, kept.Length);
        Assert.False(char.IsHighSurrogate(kept[^1]));
    }
}
