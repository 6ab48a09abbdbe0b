using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text;
using OtlpGrains.Evaluate.Training;
using OtlpGrains.Hosting;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// The <c>train</c> command's core against a real silo: spans in over OTLP/HTTP, windows out through the API, a
/// trained model registered as a candidate with its training range and metrics.
/// </summary>
public sealed class TrainCommandTests
{
    private const int Windows = 60;
    private const int RequestsPerWindow = 6;

    [Fact]
    public async Task TrainingRegistersACandidateWithItsRangeAndMetrics()
    {
        // Ten minutes of windows, older than the default allowed lateness (5 minutes) lets in.
        await using var silo = new ModelsApiSilo(["--OtlpGrains:Models:MaxArtifactBytes=16777216", "--OtlpGrains:Services:AllowedLatenessSeconds=900"]);
        await silo.InitializeAsync();
        var service = "shop-" + Guid.NewGuid().ToString("N")[..8];
        var firstWindow = await FeedAsync(silo, service);
        await SiloFixture.EventuallyAsync(
            () => silo.Api.GetFromJsonAsync<JsonElement>($"/api/v1/services/{service}/windows"),
            w => w.GetProperty("windows").EnumerateArray().Sum(x => x.GetProperty("requests").GetInt64()) == Windows * RequestsPerWindow);

        foreach (var kind in new[] { "mlnet-pca", "baseline" })
        {
            var model = $"red-{kind}";
            var (request, problem) = TrainRequest.Parse(
                ["--api", silo.Api.BaseAddress!.ToString(), "--model", model, "--kind", kind, "--who", "ci", "--reason", "nightly", "--min-windows", "50"]);
            Assert.Null(problem);
            var log = new StringWriter(CultureInfo.InvariantCulture);

            var outcome = await TrainingRun.RunAsync(request!, silo.Api, log, CancellationToken.None);

            Assert.Equal((1, "candidate", kind), (outcome.Version.Number, outcome.Version.Stage, outcome.Version.Kind));
            Assert.Equal(Windows, outcome.ExportedWindows);
            var detail = await silo.Api.GetFromJsonAsync<JsonElement>($"/api/v1/models/{model}");
            var version = detail.GetProperty("versions")[0];
            Assert.Equal("ci", version.GetProperty("createdBy").GetString());
            Assert.Equal(firstWindow, version.GetProperty("trainedFrom").GetDateTimeOffset());
            Assert.Equal(firstWindow.AddSeconds(10 * Windows), version.GetProperty("trainedTo").GetDateTimeOffset());
            var metrics = version.GetProperty("metrics");
            // 60 windows: 48 (80%) train, the newest 12 are held out.
            Assert.Equal((48.0, 12.0, 1.0), (metrics.GetProperty("train.windows").GetDouble(), metrics.GetProperty("eval.windows").GetDouble(), metrics.GetProperty("train.services").GetDouble()));
            Assert.InRange(metrics.GetProperty("eval.flagged_share").GetDouble(), 0, 1);
            Assert.Equal(outcome.Metrics["eval.mean_score"], metrics.GetProperty("eval.mean_score").GetDouble());
            Assert.Contains($"trained {kind} on 48 windows", log.ToString(), StringComparison.Ordinal);
        }

        // A range exports the windows overlapping [from, to) only, and becomes the version's training range.
        var from = firstWindow.AddSeconds(100);
        var (ranged, _) = TrainRequest.Parse(["--api", silo.Api.BaseAddress!.ToString(), "--model", "red-ranged", "--kind", "baseline",
            "--from", from.ToString("O", CultureInfo.InvariantCulture), "--to", from.AddSeconds(400).ToString("O", CultureInfo.InvariantCulture),
            "--who", "ci", "--reason", "range", "--min-windows", "20"]);
        var rangedOutcome = await TrainingRun.RunAsync(ranged!, silo.Api, TextWriter.Null, CancellationToken.None);
        Assert.Equal((40, 32.0), (rangedOutcome.ExportedWindows, rangedOutcome.Metrics["train.windows"]));
        var rangedVersion = (await silo.Api.GetFromJsonAsync<JsonElement>("/api/v1/models/red-ranged")).GetProperty("versions")[0];
        Assert.Equal((from, from.AddSeconds(400)), (rangedVersion.GetProperty("trainedFrom").GetDateTimeOffset(), rangedVersion.GetProperty("trainedTo").GetDateTimeOffset()));

        // Too few windows, and an API that is not there: one line each.
        var (tooMany, _) = TrainRequest.Parse(["--api", silo.Api.BaseAddress!.ToString(), "--model", "red", "--kind", "baseline", "--who", "ci", "--reason", "r"]);
        var few = await Assert.ThrowsAsync<TrainingFailure>(() => TrainingRun.RunAsync(tooMany!, silo.Api, TextWriter.Null, CancellationToken.None));
        Assert.Equal($"too few windows: {Windows} exported from 1 services, at least 100 needed (--min-windows, or a wider --from/--to)", few.Message);
        using var nowhere = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{LoopbackPorts.Take(1)[0]}") };
        var down = await Assert.ThrowsAsync<TrainingFailure>(() => TrainingRun.RunAsync(tooMany!, nowhere, TextWriter.Null, CancellationToken.None));
        Assert.StartsWith("cannot reach the API at http://127.0.0.1:", down.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Server spans of <paramref name="service"/> in <see cref="Windows"/> consecutive 10 s windows ending 20 s ago
    /// (inside the allowed lateness the test sets), with latencies that vary by window; returns the first window's start.
    /// </summary>
    private static async Task<DateTimeOffset> FeedAsync(ModelsApiSilo silo, string service)
    {
        long nowSeconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        long first = ((nowSeconds / 10) - Windows - 2) * 10;
        var spans = new List<string>();
        var random = new Random(3);
        for (int w = 0; w < Windows; w++)
        {
            for (int r = 0; r < RequestsPerWindow; r++)
            {
                long start = ((first + (w * 10) + 1 + r) * 1_000_000_000L) + random.Next(1000);
                long durationNanos = (10 + (w % 7) + random.Next(5)) * 1_000_000L;
                int status = (w + r) % 9 == 0 ? 2 : 1;
                spans.Add($$$"""
                    {"traceId":"{{{Guid.NewGuid():N}}}","spanId":"{{{random.NextInt64(1, long.MaxValue):x16}}}","name":"GET /buy","kind":2,
                     "startTimeUnixNano":"{{{start}}}","endTimeUnixNano":"{{{start + durationNanos}}}","status":{"code":{{{status}}}}}
                    """);
            }
        }

        var json = $$$"""
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"{{{service}}}"}}]},
              "scopeSpans":[{"scope":{"name":"load"},"spans":[{{{string.Join(',', spans)}}}]}]}]}
            """;
        using var otlp = new HttpClient();
        using var response = await otlp.PostAsync(new Uri(silo.OtlpHttp, "/v1/traces"), new StringContent(json, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return DateTimeOffset.FromUnixTimeSeconds(first);
    }
}
