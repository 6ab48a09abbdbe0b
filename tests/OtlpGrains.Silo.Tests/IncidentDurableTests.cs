using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OtlpGrains.Interfaces;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// In durable mode the incident directory's state lives in PostgreSQL: an incident opened by an error fault on one
/// silo is served, unchanged, by a new silo on the same database, and still resolves there once its service's spans
/// run quiet past it.
/// </summary>
public sealed class IncidentDurableTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const long Second = 1_000_000_000L;
    private const long Width = SyntheticRequests.Width;
    private const int FaultWindow = 650;
    private const int FaultEnd = 700;

    [Fact]
    public async Task AnIncidentSurvivesARestartAndResolvesAfterIt()
    {
        string database = await postgres.CreateDatabaseAsync("incidents");
        string clusterId = "incidents-" + Guid.NewGuid().ToString("N")[..8];
        string service = "durable-incident-" + Guid.NewGuid().ToString("N")[..8];
        long origin = (DateTimeOffset.UtcNow.AddHours(-3).ToUnixTimeSeconds() / 10 * 10) * Second;
        var random = new Random(5);

        JsonElement before;
        SiloFixture first = await StartSiloAsync(database, clusterId);
        try
        {
            // The way the grain tests make an anomaly: a steady service whose error ratio jumps to 60%, scored by the
            // silo's own detector and carried to the directory by the anomalies stream.
            IServiceGrain grain = Grains(first).GetGrain<IServiceGrain>(service);
            for (int w = 0; w < FaultEnd; w++)
            {
                await grain.IngestSpansAsync(SyntheticRequests.Batch(origin + (w * Width), random, w >= FaultWindow ? 0.6 : 0.02));
            }

            before = await SiloFixture.EventuallyAsync(() => IncidentOfAsync(first, service), i => i is not null) ?? default;
            Assert.True(before.ValueKind == JsonValueKind.Object, $"no incident of {service} opened");
            Assert.Equal("open", before.GetProperty("status").GetString());
            Assert.Equal(DateTimeOffset.UnixEpoch.AddTicks((origin + (FaultWindow * Width)) / 100), before.GetProperty("startedAt").GetDateTimeOffset());
        }
        finally
        {
            await first.DisposeAsync();
        }

        // The directory's row is in PostgreSQL's grain storage, and it holds this incident.
        string id = before.GetProperty("id").GetString()!;
        byte[] stored = await StoredDirectoryAsync(database);
        Assert.True(stored.AsSpan().IndexOf(Encoding.UTF8.GetBytes(id)) >= 0, $"the stored directory state does not hold {id}");

        SiloFixture second = await StartSiloAsync(database, clusterId);
        try
        {
            using HttpResponseMessage response = await second.Api.GetAsync(new Uri($"/api/v1/incidents/{id}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            JsonElement after = await response.Content.ReadFromJsonAsync<JsonElement>();
            foreach (string field in new[] { "id", "status", "startedAt", "detectedAt" })
            {
                Assert.Equal(before.GetProperty(field).GetString(), after.GetProperty(field).GetString());
            }

            Assert.Equal(Services(before), Services(after));
            Assert.Equal(JsonValueKind.Null, after.GetProperty("resolvedAt").ValueKind);

            // Normal traffic after the fault: once the service's spans run a minute past its last anomaly, the new
            // silo's directory resolves the incident it restored.
            IServiceGrain grain = Grains(second).GetGrain<IServiceGrain>(service);
            for (int w = FaultEnd; w < FaultEnd + 60; w++)
            {
                await grain.IngestSpansAsync(SyntheticRequests.Batch(origin + (w * Width), random, 0.02));
            }

            JsonElement resolved = await EventuallyResolvedAsync(second, id);
            Assert.Equal("resolved", resolved.GetProperty("status").GetString());
            Assert.Equal(before.GetProperty("startedAt").GetString(), resolved.GetProperty("startedAt").GetString());
            DateTimeOffset lastAnomalyEnd = resolved.GetProperty("services")[0].GetProperty("lastAnomalyEnd").GetDateTimeOffset();
            Assert.Equal(lastAnomalyEnd.AddSeconds(60), resolved.GetProperty("resolvedAt").GetDateTimeOffset());
        }
        finally
        {
            await second.DisposeAsync();
        }
    }

    private static IGrainFactory Grains(SiloFixture silo) => silo.App.Services.GetRequiredService<IGrainFactory>();

    private static string[] Services(JsonElement incident) =>
        [.. incident.GetProperty("services").EnumerateArray().Select(s => s.GetProperty("name").GetString()!)];

    private static async Task<JsonElement?> IncidentOfAsync(SiloFixture silo, string service)
    {
        JsonElement list = await silo.Api.GetFromJsonAsync<JsonElement>("/api/v1/incidents");
        foreach (JsonElement incident in list.GetProperty("incidents").EnumerateArray())
        {
            if (Services(incident).Contains(service))
            {
                return incident;
            }
        }

        return null;
    }

    // The directory checks for quiet incidents every 10 s of wall time: allow a few checks.
    private static async Task<JsonElement> EventuallyResolvedAsync(SiloFixture silo, string id)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            JsonElement incident = await silo.Api.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{id}");
            if (incident.GetProperty("status").GetString() == "resolved" || DateTime.UtcNow > deadline)
            {
                return incident;
            }

            await Task.Delay(250);
        }
    }

    private static async Task<byte[]> StoredDirectoryAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        // The ADO.NET storage writes the state's name ([PersistentState("incidents", ...)]) as the grain type.
        await using var command = new NpgsqlCommand(
            "SELECT payload_binary FROM orleans_storage WHERE grain_type = 'incidents' AND payload_binary IS NOT NULL", connection);
        if (await command.ExecuteScalarAsync() is byte[] payload)
        {
            return payload;
        }

        await using var types = new NpgsqlCommand("SELECT string_agg(DISTINCT grain_type, ', ') FROM orleans_storage", connection);
        Assert.Fail($"no incident directory row in orleans_storage (grain types there: {await types.ExecuteScalarAsync()}): the incidents storage is not in PostgreSQL");
        return [];
    }

    private static async Task<SiloFixture> StartSiloAsync(string database, string clusterId)
    {
        var silo = new SiloFixture(
        [
            "--OtlpGrains:Storage:Provider=postgres",
            $"--OtlpGrains:Storage:ConnectionString={database}",
            $"--OtlpGrains:Cluster:ClusterId={clusterId}",
        ]);
        await silo.InitializeAsync();
        return silo;
    }
}
