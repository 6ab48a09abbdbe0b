using Google.Protobuf;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OtlpGrains.Evaluate.Replay;
using Xunit;

namespace OtlpGrains.Silo.Tests.Replay;

/// <summary>
/// <c>replay --otlp-json</c> against a recording gRPC invoker: requests from several files go out in event-time order
/// with the recorded ids, times and attributes; <c>--shift-to</c> moves every set time by one offset; <c>--speed</c>
/// paces them by event time; a bad object stops the replay before anything is sent, naming its file and line.
/// </summary>
public sealed class OtlpJsonReplayTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 12, 4, 22, 0, 0, TimeSpan.Zero);

    private readonly string _directory = Directory.CreateTempSubdirectory("otlpgrains-otlpjson-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task RequestsOfSeveralFilesGoOutInEventTimeOrderAsRecorded()
    {
        WriteSamples("cart");
        var time = new FakeTimeProvider(Start);
        var invoker = new RecordingOtlpInvoker(time);

        await using (var exporter = new OtlpExporter(invoker, maxInFlight: 4, time))
        {
            long shift = await new OtlpJsonReplay(exporter, time, TextWriter.Null).RunAsync(Options(), CancellationToken.None);
            Assert.Equal(0, shift);
            Assert.Equal((2L, 1L, 1L), (exporter.Traces.Acknowledged, exporter.Logs.Acknowledged, exporter.Metrics.Acknowledged));
        }

        // The pretty-printed metrics file is older than the lines file's requests: it goes first.
        Assert.Equal([typeof(ExportMetricsServiceRequest), typeof(ExportTraceServiceRequest), typeof(ExportLogsServiceRequest)], invoker.Sent.Select(s => s.Request.GetType()));
        var traces = (ExportTraceServiceRequest)invoker.Sent[1].Request;
        Assert.Equal("cart", traces.ResourceSpans[0].Resource.Attributes.Single(a => a.Key == "service.name").Value.StringValue);
        var server = traces.ResourceSpans[0].ScopeSpans[0].Spans[0];
        var client = traces.ResourceSpans[0].ScopeSpans[0].Spans[1];
        Assert.Equal(Convert.FromHexString(OtlpJsonSamples.TraceId), server.TraceId.ToByteArray());
        Assert.Equal(Convert.FromHexString(OtlpJsonSamples.ServerSpanId), server.SpanId.ToByteArray());
        Assert.True(server.ParentSpanId.IsEmpty);
        Assert.Equal(Convert.FromHexString(OtlpJsonSamples.ServerSpanId), client.ParentSpanId.ToByteArray());
        Assert.Equal(Convert.FromHexString(OtlpJsonSamples.ClientSpanId), client.SpanId.ToByteArray());
        Assert.Equal(((ulong)OtlpJsonSamples.SpanStart, (ulong)OtlpJsonSamples.SpanEnd), (server.StartTimeUnixNano, server.EndTimeUnixNano));
        Assert.Equal(OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind.Server, server.Kind);
        Assert.Equal(OpenTelemetry.Proto.Trace.V1.Status.Types.StatusCode.Error, server.Status.Code);
        Assert.Equal(503, server.Attributes.Single(a => a.Key == "http.response.status_code").Value.IntValue);
        Assert.Equal("/cart", server.Attributes.Single(a => a.Key == "http.route").Value.StringValue);
        var log = ((ExportLogsServiceRequest)invoker.Sent[2].Request).ResourceLogs[0].ScopeLogs[0].LogRecords[0];
        Assert.Equal(((ulong)OtlpJsonSamples.LogAt, 0UL), (log.TimeUnixNano, log.ObservedTimeUnixNano));
        Assert.Equal(Convert.FromHexString(OtlpJsonSamples.TraceId), log.TraceId.ToByteArray());
        Assert.Equal(("cart store down", 3L), (log.Body.StringValue, log.Attributes.Single().Value.IntValue));
        var point = ((ExportMetricsServiceRequest)invoker.Sent[0].Request).ResourceMetrics[0].ScopeMetrics[0].Metrics[0].Gauge.DataPoints[0];
        Assert.Equal(((ulong)OtlpJsonSamples.MetricAt, 0.93), (point.TimeUnixNano, point.AsDouble));
    }

    [Fact]
    public async Task ShiftToMovesEverySetTimeSoThatTheNewestLandsOnTheTarget()
    {
        WriteSamples("cart");
        var time = new FakeTimeProvider(Start);
        var invoker = new RecordingOtlpInvoker(time);
        DateTimeOffset target = new(2026, 12, 4, 21, 30, 0, TimeSpan.Zero);

        await using (var exporter = new OtlpExporter(invoker, maxInFlight: 1, time))
        {
            long shift = await new OtlpJsonReplay(exporter, time, TextWriter.Null).RunAsync(
                Options("--shift-to", "2026-12-04T21:30:00Z"), CancellationToken.None);
            Assert.Equal(EventRange.UnixNanos(target) - OtlpJsonSamples.LogAt, shift);
        }

        long offset = EventRange.UnixNanos(target) - OtlpJsonSamples.LogAt;
        var server = ((ExportTraceServiceRequest)invoker.Sent[1].Request).ResourceSpans[0].ScopeSpans[0].Spans[0];
        Assert.Equal((OtlpJsonSamples.SpanStart + offset, OtlpJsonSamples.SpanEnd + offset), ((long)server.StartTimeUnixNano, (long)server.EndTimeUnixNano));
        Assert.Equal(OtlpJsonSamples.SpanStart + 1000 + offset, (long)server.Events[0].TimeUnixNano);
        var log = ((ExportLogsServiceRequest)invoker.Sent[2].Request).ResourceLogs[0].ScopeLogs[0].LogRecords[0];
        Assert.Equal(EventRange.UnixNanos(target), (long)log.TimeUnixNano);
        Assert.Equal(0UL, log.ObservedTimeUnixNano);
        var point = ((ExportMetricsServiceRequest)invoker.Sent[0].Request).ResourceMetrics[0].ScopeMetrics[0].Metrics[0].Gauge.DataPoints[0];
        Assert.Equal((OtlpJsonSamples.MetricAt + offset, 0UL), ((long)point.TimeUnixNano, point.StartTimeUnixNano));
    }

    [Fact]
    public async Task SpeedPacesTheRequestsByEventTime()
    {
        WriteSamples("cart");
        var time = new FakeTimeProvider(Start);
        var invoker = new RecordingOtlpInvoker(time);
        await using var exporter = new OtlpExporter(invoker, maxInFlight: 4, time);

        Task run = Task.Run(() => new OtlpJsonReplay(exporter, time, TextWriter.Null).RunAsync(Options("--speed", "2"), CancellationToken.None));
        while (!run.IsCompleted)
        {
            time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.WhenAny(run, Task.Delay(2));
        }

        await run;
        // At 2x: the metric at once, the trace (ending 10.25 s later) after 5.125 s, the log (15 s later) after 7.5 s.
        // Never early; late by the fake clock's steps that ran while the replay waited for a thread (each step is 50 ms
        // per 2 ms of real time, so a loaded machine overshoots by some steps), far below 1x's 10.25 s and 15 s.
        TimeSpan[] sent = [.. invoker.Sent.Select(s => s.At - Start)];
        TimeSpan late = TimeSpan.FromSeconds(1);
        Assert.Equal(3, sent.Length);
        Assert.InRange(sent[0], TimeSpan.Zero, late);
        Assert.InRange(sent[1], TimeSpan.FromSeconds(5.125), TimeSpan.FromSeconds(5.125) + late);
        Assert.InRange(sent[2], TimeSpan.FromSeconds(7.5), TimeSpan.FromSeconds(7.5) + late);
    }

    [Fact]
    public async Task ABadObjectIsNamedByFileAndLineAndNothingIsSent()
    {
        WriteSamples("cart");
        string bad = Path.Combine(_directory, "c.jsonl");
        await File.WriteAllTextAsync(bad, OtlpJsonSamples.Lines("cart").Split('\n')[0] + "\n" + """{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"soon"}]}]}]}""" + "\n");
        var time = new FakeTimeProvider(Start);
        var invoker = new RecordingOtlpInvoker(time);
        await using (var exporter = new OtlpExporter(invoker, maxInFlight: 4, time))
        {
            var refused = await Assert.ThrowsAsync<ReplayInputException>(() => new OtlpJsonReplay(exporter, time, TextWriter.Null).RunAsync(Options(), CancellationToken.None));
            Assert.StartsWith($"{bad}:2: invalid OTLP JSON", refused.Message, StringComparison.Ordinal);
        }

        Assert.Empty(invoker.Sent);

        // The command says it in one line and exits 2.
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await ReplayCommand.RunAsync(Options(), output, error, TimeProvider.System, CancellationToken.None);
        Assert.Equal(2, exit);
        string line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {bad}:2: invalid OTLP JSON", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AShiftBefore1970IsRefused()
    {
        WriteSamples("cart");
        var time = new FakeTimeProvider(Start);
        var invoker = new RecordingOtlpInvoker(time);
        await using var exporter = new OtlpExporter(invoker, maxInFlight: 1, time);

        var refused = await Assert.ThrowsAsync<ReplayInputException>(() =>
            new OtlpJsonReplay(exporter, time, TextWriter.Null).RunAsync(Options("--shift-to", "1970-01-01T00:00:05Z"), CancellationToken.None));

        Assert.Equal("--shift-to would move the first event (2024-12-04 22:06:30) before 1970", refused.Message);
        Assert.Empty(invoker.Sent);
    }

    [Theory]
    [InlineData("""{"resourceSpans":[""", "invalid JSON")]
    [InlineData("""{"spans":[]}""", "not an OTLP export request: no resourceSpans, resourceLogs or resourceMetrics")]
    [InlineData("""[1,2]""", "not an OTLP export request: a JSON object was expected")]
    public void AFileThatIsNotOtlpJsonIsRefusedWithItsLine(string content, string reason)
    {
        string file = Path.Combine(_directory, "x.json");
        File.WriteAllText(file, "\n" + content + "\n");

        var refused = Assert.Throws<ReplayInputException>(() => OtlpJsonFiles.Index(file));

        Assert.StartsWith($"{file}:2: {reason}", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refused.Message);
    }

    [Fact]
    public void OptionsForNezhaDataAreRefusedWithOtlpJson()
    {
        ReplayOptions options = ReplayOptions.Parse(["--otlp-json", "dump.jsonl", "--endpoint", "http://10.0.0.1:4327", "--speed", "max", "--shift-to", "now"], out string? error)!;
        Assert.Null(error);
        Assert.Equal(("dump.jsonl", true, "http://10.0.0.1:4327/", (double?)null, true), (options.Directory, options.OtlpJson, options.Endpoint.ToString(), options.Speed, options.ShiftTo!.IsNow));

        Assert.Null(ReplayOptions.Parse(["--otlp-json", "dump.jsonl", "--from", "08:00"], out error));
        Assert.Equal("--from is for Nezha data, not --otlp-json", error);
        Assert.Null(ReplayOptions.Parse(["--otlp-json"], out error));
        Assert.Equal("--otlp-json needs a file or folder", error);
    }

    private ReplayOptions Options(params string[] more) => ReplayOptions.Parse(["--otlp-json", _directory, .. more], out _)!;

    private void WriteSamples(string service)
    {
        File.WriteAllText(Path.Combine(_directory, "a.jsonl"), OtlpJsonSamples.Lines(service));
        File.WriteAllText(Path.Combine(_directory, "b.json"), OtlpJsonSamples.Pretty(service));
        File.WriteAllText(Path.Combine(_directory, "notes.txt"), "not replayed");
    }
}
