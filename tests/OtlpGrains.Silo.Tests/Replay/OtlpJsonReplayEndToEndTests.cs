using System.Net.Http.Json;
using System.Text.Json;
using OtlpGrains.Evaluate.Replay;
using Xunit;

namespace OtlpGrains.Silo.Tests.Replay;

/// <summary>Hand-written OTLP/JSON files replayed, shifted to now, through the real OTLP/gRPC port of a silo.</summary>
[Collection(SiloCollection.Name)]
public sealed class OtlpJsonReplayEndToEndTests(SiloFixture silo) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("otlpgrains-otlpjson-e2e-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task ReplayedTraceAndLogArriveWithTheirIdsAndTimes()
    {
        string service = "otlpjson-" + Guid.NewGuid().ToString("N")[..8];
        await File.WriteAllTextAsync(Path.Combine(_directory, "a.jsonl"), OtlpJsonSamples.Lines(service));
        await File.WriteAllTextAsync(Path.Combine(_directory, "b.json"), OtlpJsonSamples.Pretty(service));
        var output = new StringWriter();
        var error = new StringWriter();
        ReplayOptions options = ReplayOptions.Parse(["--otlp-json", _directory, "--endpoint", silo.GrpcEndpoint.ToString(), "--shift-to", "now"], out _)!;

        int exit = await ReplayCommand.RunAsync(options, output, error, TimeProvider.System, CancellationToken.None);

        Assert.True(exit == 0, $"exit {exit}: {error}\n{output}");
        Assert.Contains("traces: sent 2 spans in 1 requests, acknowledged 2, rejected 0", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("REPLAY items=4 acknowledged=4 requests=3", output.ToString(), StringComparison.Ordinal);

        // The error trace is kept once it goes idle; its spans keep their ids, and the shift keeps their duration.
        using HttpResponseMessage kept = await SiloFixture.EventuallyAsync(
            () => silo.Api.GetAsync(new Uri($"/api/v1/traces/{OtlpJsonSamples.TraceId}", UriKind.Relative)), r => r.IsSuccessStatusCode);
        JsonElement trace = await kept.Content.ReadFromJsonAsync<JsonElement>();
        JsonElement[] spans = [.. trace.GetProperty("spans").EnumerateArray()];
        Assert.Equal([OtlpJsonSamples.ServerSpanId, OtlpJsonSamples.ClientSpanId], spans.Select(s => s.GetProperty("spanId").GetString()));
        Assert.Equal(OtlpJsonSamples.ServerSpanId, spans[1].GetProperty("parentSpanId").GetString());
        Assert.Equal((service, "GET /cart"), (spans[0].GetProperty("service").GetString(), spans[0].GetProperty("name").GetString()));
        Assert.Equal(250, spans[0].GetProperty("durationMs").GetDouble(), 3);
        // Shifted to now: the log (the newest item) lands on the replay's start (max speed), 4.75 s after the span's end.
        DateTimeOffset end = spans[0].GetProperty("end").GetDateTimeOffset();
        Assert.InRange(DateTimeOffset.UtcNow - end, TimeSpan.FromSeconds(4.7), TimeSpan.FromMinutes(2));

        JsonElement? listed = await SiloFixture.EventuallyAsync(() => silo.ServiceAsync(service), s => s is { } e && e.GetProperty("errors").GetInt64() == 1);
        Assert.Equal(1, listed?.GetProperty("errors").GetInt64());
        JsonElement logs = await silo.Api.GetFromJsonAsync<JsonElement>($"/api/v1/services/{service}/logs?traceId={OtlpJsonSamples.TraceId}");
        JsonElement record = Assert.Single(logs.GetProperty("records").EnumerateArray());
        Assert.Equal(("cart store down", OtlpJsonSamples.ServerSpanId), (record.GetProperty("body").GetString(), record.GetProperty("spanId").GetString()));
        Assert.Equal(end.AddSeconds(4.75), record.GetProperty("time").GetDateTimeOffset(), TimeSpan.FromMilliseconds(1));
    }
}
