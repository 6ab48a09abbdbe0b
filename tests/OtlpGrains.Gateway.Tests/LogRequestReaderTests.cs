using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Logs.V1;
using OtlpGrains.Gateway.Ingest;
using OtlpGrains.Interfaces;
using Xunit;
using static OtlpGrains.Gateway.Tests.TraceRequests;

namespace OtlpGrains.Gateway.Tests;

public sealed class LogRequestReaderTests
{
    private const ulong Time = 1_700_000_000_000_000_000UL;

    private const long Received = 1_800_000_000_000_000_000L;

    private static readonly Guid BatchId = new("9a8b7c6d-5e4f-4321-8fed-cba987654321");

    [Fact]
    public void KeepsSeverityAndEventTimePerServiceBatch()
    {
        var request = new ExportLogsServiceRequest
        {
            ResourceLogs =
            {
                Resource("api", Log(Time, SeverityNumber.Info), Log(Time + 1, SeverityNumber.Error2)),
                Resource("worker", Log(Time + 2, SeverityNumber.Fatal4)),
                Resource("api", Log(Time + 3, SeverityNumber.Unspecified)),
            },
        };

        var plan = Plans.Logs(request, BatchId, Received);

        Assert.Equal(4, plan.Accepted);
        Assert.Equal(0, plan.Rejected);
        Assert.Null(plan.RejectReason);
        Assert.Equal(["api", "worker"], plan.Services.Select(s => s.Key).Order(StringComparer.Ordinal));
        var api = plan.Services.Single(s => s.Key == "api").Value;
        Assert.Equal(BatchId, api.BatchId);
        Assert.Equal([Hello((long)Time, 9), Hello((long)Time + 1, 18), Hello((long)Time + 3, 0)], api.Logs);
        Assert.Equal([Hello((long)Time + 2, 24)], plan.Services.Single(s => s.Key == "worker").Value.Logs);
    }

    [Theory]
    [InlineData(Time, Time + 50, (long)Time)]
    [InlineData(0UL, Time + 50, (long)Time + 50)]
    [InlineData(0UL, 0UL, Received)]
    public void TimeFallsBackToObservedThenReceived(ulong time, ulong observed, long expected)
    {
        var record = Log(time, SeverityNumber.Warn);
        record.ObservedTimeUnixNano = observed;

        var plan = Plans.Logs(Request("svc", record), BatchId, Received);

        Assert.Equal(Hello(expected, 13), Assert.Single(Assert.Single(plan.Services).Value.Logs));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(25)]
    [InlineData(1000)]
    public void SeverityOutsideTheOtlpRangeIsUnspecified(int severity)
    {
        var plan = Plans.Logs(Request("svc", Log(Time, (SeverityNumber)severity)), BatchId, Received);

        Assert.Equal(0, Assert.Single(Assert.Single(plan.Services).Value.Logs).SeverityNumber);
    }

    public static TheoryData<string, ByteString, ByteString, string> BadIds => new()
    {
        { "short trace id", ByteString.CopyFrom(1, 2, 3, 4, 5, 6, 7, 8), ByteString.Empty, "log trace id must be empty or 16 bytes and not all zero (got 8 bytes)" },
        { "zero trace id", ByteString.CopyFrom(new byte[16]), ByteString.Empty, "log trace id must be empty or 16 bytes and not all zero (got 16 bytes)" },
        { "long span id", TraceId(1), ByteString.CopyFrom(1, 2, 3, 4, 5, 6, 7, 8, 9), "log span id must be empty or 8 bytes and not all zero (got 9 bytes)" },
        { "zero span id", ByteString.Empty, ByteString.CopyFrom(new byte[8]), "log span id must be empty or 8 bytes and not all zero (got 8 bytes)" },
    };

    [Theory]
    [MemberData(nameof(BadIds))]
    public void BadIdsRejectTheRecordOnly(string what, ByteString traceId, ByteString spanId, string reason)
    {
        var bad = Log(Time + 1, SeverityNumber.Error);
        bad.TraceId = traceId;
        bad.SpanId = spanId;

        var plan = Plans.Logs(Request("svc", Log(Time, SeverityNumber.Info), bad, Log(Time + 2, SeverityNumber.Debug)), BatchId, Received);

        Assert.True(plan.Rejected == 1, what);
        Assert.Equal(2, plan.Accepted);
        Assert.Equal(reason, plan.RejectReason);
        Assert.Equal([(long)Time, (long)Time + 2], Assert.Single(plan.Services).Value.Logs.Select(l => l.TimeUnixNano));
    }

    [Fact]
    public void ValidIdsAreAccepted()
    {
        var record = Log(Time, SeverityNumber.Info);
        record.TraceId = TraceId(1);
        record.SpanId = SpanId(2);

        var plan = Plans.Logs(Request("svc", record), BatchId, Received);

        Assert.Equal(1, plan.Accepted);
        Assert.Equal(0, plan.Rejected);
    }

    [Fact]
    public void AllBadLeavesNoBatchesAndKeepsTheFirstReason()
    {
        var zeroSpan = Log(Time, SeverityNumber.Info);
        zeroSpan.SpanId = ByteString.CopyFrom(new byte[8]);
        var shortTrace = Log(Time, SeverityNumber.Info);
        shortTrace.TraceId = ByteString.CopyFrom(1);

        var plan = Plans.Logs(Request("svc", zeroSpan, shortTrace), BatchId, Received);

        Assert.Equal(0, plan.Accepted);
        Assert.Equal(2, plan.Rejected);
        Assert.StartsWith("log span id", plan.RejectReason, StringComparison.Ordinal);
        Assert.Empty(plan.Services);
    }

    private static LogLine Hello(long time, byte severity) => new(time, severity) { Body = "hello" };

    [Fact]
    public void CountsTheRecordsCut()
    {
        var longBody = Log(Time, SeverityNumber.Info);
        longBody.Body.StringValue = new string('y', LogLimits.MaxBodyChars + 1);

        var plan = Plans.Logs(Request("svc", Log(Time, SeverityNumber.Info), longBody), BatchId, Received);

        Assert.Equal(2, plan.Accepted);
        Assert.Equal(1, plan.Cut);
        Assert.Equal(LogLimits.MaxBodyChars, Assert.Single(plan.Services).Value.Logs[1].Body.Length);
    }

    private static LogRecord Log(ulong time, SeverityNumber severity) => new()
    {
        TimeUnixNano = time,
        ObservedTimeUnixNano = time + 1_000,
        SeverityNumber = severity,
        Body = new OpenTelemetry.Proto.Common.V1.AnyValue { StringValue = "hello" },
    };

    private static ResourceLogs Resource(string service, params LogRecord[] records) => new()
    {
        Resource = Service(service),
        ScopeLogs = { new ScopeLogs { LogRecords = { records } } },
    };

    private static ExportLogsServiceRequest Request(string service, params LogRecord[] records) => new() { ResourceLogs = { Resource(service, records) } };
}
