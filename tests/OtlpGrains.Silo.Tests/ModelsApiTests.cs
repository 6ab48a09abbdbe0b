using System.Net.Http.Json;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OtlpGrains.Interfaces;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>The model registry through the HTTP API of a real silo, the way a curl user drives it.</summary>
public sealed class ModelsApiTests(ModelsApiSilo silo) : IClassFixture<ModelsApiSilo>
{
    private HttpClient Api => silo.Api;

    [Fact]
    public async Task UploadPromoteRollbackAndRetire()
    {
        var name = FreshName();
        var artifact = TestConstantCodec.Artifact(0.2);
        using (var first = await UploadAsync(name, artifact, sha256: Convert.ToHexStringLower(SHA256.HashData(artifact)),
            schema: """{"name":"red.v1","signals":["rate","errorRatio","p50","p95","p99"],"openEnded":true}"""))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
            var version = await first.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal((1, "candidate", artifact.Length), (version.GetProperty("number").GetInt32(), version.GetProperty("stage").GetString(), version.GetProperty("sizeBytes").GetInt32()));
            Assert.Equal(61.5, version.GetProperty("metrics").GetProperty("nab.standard").GetDouble());
        }

        Assert.Equal(HttpStatusCode.Created, (await UploadAsync(name, TestConstantCodec.Artifact(0.3))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await UploadAsync(name, TestConstantCodec.Artifact(0.4))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(name, "promote", """{"version":1,"stage":"production","who":"bob","reason":"first release"}""")).StatusCode);
        using var promoted = await PostAsync(name, "promote", """{"version":2,"stage":"production","who":"bob","reason":"better score"}""");
        var changed = (await promoted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("changed");
        Assert.Equal(["1:archived", "2:production"], changed.EnumerateArray().Select(v => $"{v.GetProperty("number")}:{v.GetProperty("stage")}"));

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(name, "rollback", """{"who":"carol","reason":"v2 pages all night"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync(name, "retire", """{"version":1,"who":"carol","reason":"old"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(name, "retire", """{"version":3,"who":"carol","reason":"not needed"}""")).StatusCode);

        var detail = await Api.GetFromJsonAsync<JsonElement>($"/api/v1/models/{name}");
        Assert.Equal(1, detail.GetProperty("production").GetInt32());
        Assert.Equal(["production", "archived", "archived"], detail.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("stage").GetString()));
        Assert.Equal("red.v1", detail.GetProperty("schema").GetProperty("name").GetString());
        var audit = detail.GetProperty("audit").EnumerateArray().ToArray();
        Assert.Equal(3 + 1 + 2 + 2 + 1, audit.Length);
        Assert.Equal(("carol", "retire", "candidate", "archived", "not needed"),
            (audit[^1].GetProperty("who").GetString(), audit[^1].GetProperty("action").GetString(), audit[^1].GetProperty("from").GetString(),
             audit[^1].GetProperty("to").GetString(), audit[^1].GetProperty("reason").GetString()));

        var list = await Api.GetFromJsonAsync<JsonElement>("/api/v1/models");
        var summary = list.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("name").GetString() == name);
        Assert.Equal((3, 1), (summary.GetProperty("versions").GetInt32(), summary.GetProperty("production").GetInt32()));
    }

    [Fact]
    public async Task BadRequestsGetTheirStatusAndReasonAndAreCounted()
    {
        var name = FreshName();
        Assert.Equal(HttpStatusCode.Created, (await UploadAsync(name, TestConstantCodec.Artifact(0.2))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(name, "promote", """{"version":1,"stage":"production","who":"bob","reason":"release"}""")).StatusCode);
        var before = await MetricsAsync();

        var good = TestConstantCodec.Artifact(0.5);
        var corrupt = (byte[])good.Clone();
        corrupt[0] = (byte)'X';
        await ExpectAsync(UploadAsync(name, corrupt), HttpStatusCode.BadRequest, "corrupt test-constant artifact: not a test-constant artifact (bad magic)");
        await ExpectAsync(UploadAsync(name, good, kind: "no-such-kind"), HttpStatusCode.BadRequest, "unknown model kind 'no-such-kind'");
        await ExpectAsync(UploadAsync(name, TestConstantCodec.Artifact(0.5, FeatureSchema.Univariate)), HttpStatusCode.BadRequest, "feature schema mismatch");
        await ExpectAsync(UploadAsync(name, good, schema: "{not json"), HttpStatusCode.BadRequest, "bad JSON in schema or metrics");
        await ExpectAsync(UploadAsync(name, good, sha256: new string('0', 64)), HttpStatusCode.BadRequest, "sha256 mismatch");
        await ExpectAsync(UploadAsync(name, good, who: null), HttpStatusCode.BadRequest, "who is required");
        await ExpectAsync(UploadAsync(name, new byte[ModelsApiSilo.MaxArtifactBytes + 1]), HttpStatusCode.RequestEntityTooLarge, "artifact is");
        await ExpectAsync(UploadAsync(name, new byte[ModelsApiSilo.MaxArtifactBytes + Gateway.Api.ModelUploadForm.FieldBytes]),
            HttpStatusCode.RequestEntityTooLarge, "artifact is larger than the limit");
        await ExpectAsync(Api.PostAsync($"/api/v1/models/{name}/versions", new StringContent("{}", Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest, "send multipart/form-data");

        await ExpectAsync(PostAsync(name, "promote", """{"version":1,"stage":"production","who":"bob","""), HttpStatusCode.BadRequest, "bad JSON");
        await ExpectAsync(PostAsync(name, "promote", """{"version":1,"stage":"canary","who":"bob","reason":"r"}"""), HttpStatusCode.BadRequest, "stage must be");
        await ExpectAsync(PostAsync(name, "promote", """{"version":1,"stage":"shadow","who":"bob"}"""), HttpStatusCode.BadRequest, "a reason is required");
        await ExpectAsync(PostAsync(name, "promote", """{"version":9,"stage":"shadow","who":"bob","reason":"r"}"""), HttpStatusCode.NotFound, "model '" + name + "' has no version 9");
        await ExpectAsync(PostAsync(FreshName(), "rollback", """{"who":"bob","reason":"r"}"""), HttpStatusCode.NotFound, "no model named");
        await ExpectAsync(PostAsync(name, "rollback", """{"who":"bob","reason":"r"}"""), HttpStatusCode.Conflict, "model '" + name + "' has no previous production version");
        await ExpectAsync(Api.GetAsync($"/api/v1/models/{FreshName()}"), HttpStatusCode.NotFound, "no model named");

        var detail = await Api.GetFromJsonAsync<JsonElement>($"/api/v1/models/{name}");
        Assert.Equal(1, detail.GetProperty("production").GetInt32());
        Assert.Single(detail.GetProperty("versions").EnumerateArray());

        var after = await MetricsAsync();
        Assert.Equal(7, Delta(before, after, "register", "bad_request"));
        Assert.Equal(2, Delta(before, after, "register", "too_large"));
        Assert.Equal(3, Delta(before, after, "promote", "bad_request"));
        Assert.Equal(1, Delta(before, after, "promote", "not_found"));
        Assert.Equal(1, Delta(before, after, "rollback", "conflict"));
        Assert.Equal(1, Delta(before, after, "get", "not_found"));
    }

    [Fact]
    public async Task ModelShowsEachVersionsScoresAndTheShadowsAgreement()
    {
        var name = FreshName();
        Assert.Equal(HttpStatusCode.Created, (await UploadAsync(name, TestConstantCodec.Artifact(0.2))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await UploadAsync(name, TestConstantCodec.Artifact(0.3))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await UploadAsync(name, TestConstantCodec.Artifact(0.4))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(name, "promote", """{"version":1,"stage":"production","who":"bob","reason":"release"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(name, "promote", """{"version":2,"stage":"shadow","who":"bob","reason":"try"}""")).StatusCode);
        var refusedBefore = (await Api.GetFromJsonAsync<JsonElement>("/api/v1/models")).GetProperty("refusedScoreReports").GetInt64();

        // What the silos' service grains will send every few seconds: production's scores, the shadow's with agreement.
        var registry = silo.App.Services.GetRequiredService<IGrainFactory>().GetGrain<IModelRegistryGrain>(IModelRegistryGrain.DefaultKey);
        await registry.ReportScoresAsync(
        [
            new ModelScoreReport(name, 1, 100, Bins((0, 90), (19, 10)), 0, 0),
            new ModelScoreReport(name, 2, 100, Bins((0, 80), (10, 20)), 100, 85),
            new ModelScoreReport(name, 2, 50, Bins((0, 50)), 50, 50),
            new ModelScoreReport(name, 2, 5, Bins((0, 6)), 0, 0), // more scores than windows: refused
        ]);

        var detail = await Api.GetFromJsonAsync<JsonElement>($"/api/v1/models/{name}");

        Assert.False(detail.TryGetProperty("scores", out _));
        var versions = detail.GetProperty("versions");
        var production = versions[0].GetProperty("scores");
        Assert.Equal((100, 0.05, 1.0), (production.GetProperty("windows").GetInt64(), production.GetProperty("p50").GetDouble(), production.GetProperty("p99").GetDouble()));
        Assert.Equal(JsonValueKind.Null, production.GetProperty("agreement").ValueKind);
        var shadow = versions[1].GetProperty("scores");
        Assert.Equal(150, shadow.GetProperty("windows").GetInt64());
        var agreement = shadow.GetProperty("agreement");
        Assert.Equal((150, 135, 0.9), (agreement.GetProperty("compared").GetInt64(), agreement.GetProperty("agreed").GetInt64(), agreement.GetProperty("share").GetDouble()));
        var drift = shadow.GetProperty("drift");
        Assert.Equal((0.25, false), (drift.GetProperty("bound").GetDouble(), drift.GetProperty("retrainRecommended").GetBoolean()));
        Assert.Equal(JsonValueKind.Null, versions[2].GetProperty("scores").ValueKind);
        Assert.Equal(refusedBefore + 1, (await Api.GetFromJsonAsync<JsonElement>("/api/v1/models")).GetProperty("refusedScoreReports").GetInt64());
    }

    private static long[] Bins(params (int Bin, long Count)[] counts)
    {
        var bins = new long[ModelScoreReport.Bins];
        foreach (var (bin, count) in counts)
        {
            bins[bin] = count;
        }

        return bins;
    }

    private static string FreshName() => "api-" + Guid.NewGuid().ToString("N")[..10];

    private async Task<HttpResponseMessage> UploadAsync(string name, byte[] artifact, string kind = TestConstantCodec.KindName,
        string? sha256 = null, string? schema = null, string? who = "alice")
    {
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(artifact), "artifact", "model.bin" },
            { new StringContent(kind), "kind" },
            { new StringContent("2026-11-01T00:00:00Z"), "trainingFrom" },
            { new StringContent("2026-11-08T00:00:00Z"), "trainingTo" },
            { new StringContent("""{"nab.standard":61.5}"""), "metrics" },
            { new StringContent("nightly"), "reason" },
        };
        if (who is not null)
        {
            form.Add(new StringContent(who), "who");
        }

        if (sha256 is not null)
        {
            form.Add(new StringContent(sha256), "sha256");
        }

        if (schema is not null)
        {
            form.Add(new StringContent(schema), "schema");
        }

        return await Api.PostAsync($"/api/v1/models/{name}/versions", form);
    }

    private Task<HttpResponseMessage> PostAsync(string name, string action, string json) =>
        Api.PostAsync($"/api/v1/models/{name}/{action}", new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task ExpectAsync(Task<HttpResponseMessage> call, HttpStatusCode status, string reasonStart)
    {
        using var response = await call;
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var reason = body.GetProperty("error").GetString();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {reason}");
        Assert.StartsWith(reasonStart, reason, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', reason!);
    }

    private async Task<string> MetricsAsync() => await Api.GetStringAsync("/metrics");

    private static long Delta(string before, string after, string operation, string reason)
    {
        var line = $"otlpgrains_gateway_model_refusals_total{{operation=\"{operation}\",reason=\"{reason}\"}} ";
        static long Read(string text, string prefix) =>
            long.Parse(text.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
        return Read(after, line) - Read(before, line);
    }
}
