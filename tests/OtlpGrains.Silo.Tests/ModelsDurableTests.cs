using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OtlpGrains.Grains.Models;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>In durable mode the registry and the artifacts live in PostgreSQL: a new silo finds both.</summary>
public sealed class ModelsDurableTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task VersionsStagesAndArtifactsSurviveARestart()
    {
        var database = await postgres.CreateDatabaseAsync("models");
        string[] settings =
        [
            "--OtlpGrains:Storage:Provider=postgres",
            $"--OtlpGrains:Storage:ConnectionString={database}",
            "--OtlpGrains:Cluster:ClusterId=models-durable-" + Guid.NewGuid().ToString("N")[..8],
        ];
        const string Name = "durable-model";

        await using (var first = new ModelsApiSilo(settings))
        {
            await first.InitializeAsync();
            using var form = new MultipartFormDataContent
            {
                { new ByteArrayContent(TestConstantCodec.Artifact(0.35)), "artifact", "model.bin" },
                { new StringContent(TestConstantCodec.KindName), "kind" },
                { new StringContent("2026-11-01T00:00:00Z"), "trainingFrom" },
                { new StringContent("2026-11-08T00:00:00Z"), "trainingTo" },
                { new StringContent("alice"), "who" },
            };
            Assert.Equal(HttpStatusCode.Created, (await first.Api.PostAsync($"/api/v1/models/{Name}/versions", form)).StatusCode);
            using var promote = new StringContent("""{"version":1,"stage":"production","who":"bob","reason":"release"}""", Encoding.UTF8, "application/json");
            Assert.Equal(HttpStatusCode.OK, (await first.Api.PostAsync($"/api/v1/models/{Name}/promote", promote)).StatusCode);
        }

        await using var second = new ModelsApiSilo(settings);
        await second.InitializeAsync();
        var detail = await second.Api.GetFromJsonAsync<JsonElement>($"/api/v1/models/{Name}");
        Assert.Equal(1, detail.GetProperty("production").GetInt32());
        Assert.Equal(2, detail.GetProperty("audit").GetArrayLength());
        var model = await second.App.Services.GetRequiredService<ModelCache>().GetAsync(Name, 1);
        Assert.Equal(0.35, model.Score(model.NewState(), 0, [1, 0, 2, 3, 4]).Score);
    }
}
