using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using OtlpGrains.Hosting;
using Xunit;
using Xunit.Abstractions;

namespace OtlpGrains.Silo.Tests.Faults;

/// <summary>
/// Durable silo processes sharing one PostgreSQL database and cluster id, as a fault test drives them: start, stop,
/// replace and add silos, then read every service's count back through the query API. On dispose it kills what is
/// left; <see cref="DumpOutput"/> writes each silo's output for a failing test.
/// </summary>
internal sealed class FaultCluster : IAsyncDisposable
{
    public static readonly TimeSpan Ready = TimeSpan.FromSeconds(90);

    private readonly List<SiloProcess> _all = [];
    private readonly Func<int, int[], SiloProcess> _launch;

    private FaultCluster(string database, Func<int, int[], SiloProcess> launch)
    {
        Database = database;
        _launch = launch;
    }

    public string Database { get; }

    public string ClusterId { get; } = "fault-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The silos started so far, by index (stopped ones stay, so indexes hold).</summary>
    public IReadOnlyList<SiloProcess> Silos => _all;

    /// <summary>The OTLP/gRPC endpoints of the silos still running.</summary>
    public IEnumerable<Uri> Endpoints => _all.Where(s => !s.HasExited).Select(s => s.GrpcEndpoint);

    /// <summary>Silos on loopback.</summary>
    public static FaultCluster OnLoopback(string database) =>
        Create(database, (cluster, _, ports) => SiloProcess.Start(database, cluster.ClusterId, ports));

    /// <summary>Silos launched by <paramref name="launch"/> (index, ports, cluster id), e.g. each in a network namespace.</summary>
    public static FaultCluster Create(string database, Func<FaultCluster, int, int[], SiloProcess> launch)
    {
        FaultCluster? cluster = null;
        cluster = new FaultCluster(database, (index, ports) => launch(cluster!, index, ports));
        return cluster;
    }

    /// <summary>Starts <paramref name="count"/> more silos and waits until all are ready.</summary>
    public async Task<SiloProcess[]> StartAsync(int count)
    {
        SiloProcess[] started = [.. Enumerable.Range(_all.Count, count).Select(index => _launch(index, LoopbackPorts.Take(5)))];
        _all.AddRange(started);
        await Task.WhenAll(started.Select(s => s.WaitReadyAsync(Ready)));
        return started;
    }

    /// <summary>Launches the next silo without waiting for it (e.g. one expected never to be ready).</summary>
    public SiloProcess Launch()
    {
        var silo = _launch(_all.Count, LoopbackPorts.Take(5));
        _all.Add(silo);
        return silo;
    }

    /// <summary>Every service's requests total, read from silo <paramref name="via"/>, once they equal the expected counts (or after 60 s).</summary>
    public static async Task<Dictionary<string, long>> CountsAsync(SiloProcess via, FailoverLoad load)
    {
        using var api = new HttpClient { BaseAddress = via.ApiEndpoint, Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var counts = await RequestsAsync(api, load.Services);
            if (load.Services.All(s => counts.GetValueOrDefault(s) == load.Expected.GetValueOrDefault(s)) || DateTime.UtcNow > deadline)
            {
                return counts;
            }

            await Task.Delay(250);
        }
    }

    /// <summary>Asserts that every service counted exactly the acknowledged spans (and that some were).</summary>
    public static async Task AssertExactAsync(SiloProcess via, FailoverLoad load, ITestOutputHelper output)
    {
        var seen = await CountsAsync(via, load);
        foreach (var service in load.Services)
        {
            output.WriteLine($"{service}: acknowledged {load.Expected.GetValueOrDefault(service)}, counted {seen.GetValueOrDefault(service)}");
        }

        Assert.All(load.Services, s => Assert.True(load.Expected.GetValueOrDefault(s) > 0, $"nothing acknowledged for {s}"));
        Assert.All(load.Services, s => Assert.Equal(load.Expected.GetValueOrDefault(s), seen.GetValueOrDefault(s)));
    }

    /// <summary>When the silo's membership row turned Dead (status 6), polled every 200 ms; null if not within <paramref name="limit"/>.</summary>
    public async Task<DateTime?> DeclaredDeadAsync(SiloProcess silo, TimeSpan limit)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            await using var command = new NpgsqlCommand(
                "SELECT status FROM orleans_membership WHERE deployment_id = $1 AND port = $2 ORDER BY generation DESC LIMIT 1", connection);
            command.Parameters.AddWithValue(ClusterId);
            command.Parameters.AddWithValue(silo.SiloPort);
            if (await command.ExecuteScalarAsync() is int status && status == 6)
            {
                return DateTime.UtcNow;
            }

            await Task.Delay(200);
        }

        return null;
    }

    /// <summary>What <c>/readyz</c> of <paramref name="silo"/> answers now: the status code, or 0 when it does not answer.</summary>
    public static async Task<int> ReadinessAsync(SiloProcess silo)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(8) };
        try
        {
            using var response = await http.GetAsync(new Uri(silo.ApiEndpoint, "/readyz"));
            return (int)response.StatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return 0;
        }
    }

    public void DumpOutput(ITestOutputHelper output)
    {
        for (var i = 0; i < _all.Count; i++)
        {
            output.WriteLine($"--- silo {i + 1} ({_all[i].Address}:{_all[i].SiloPort}) output ---\n{_all[i].Output}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _all)
        {
            await silo.DisposeAsync();
        }

        // For a look at a passing run too: OTLPGRAINS_FAULT_LOGS=/some/dir keeps every silo's output there.
        if (Environment.GetEnvironmentVariable("OTLPGRAINS_FAULT_LOGS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            for (var i = 0; i < _all.Count; i++)
            {
                await File.WriteAllTextAsync(Path.Combine(folder, $"{ClusterId}-silo{i + 1}.log"), _all[i].Output);
            }
        }
    }

    private static async Task<Dictionary<string, long>> RequestsAsync(HttpClient api, string[] services)
    {
        try
        {
            var doc = await api.GetFromJsonAsync<JsonElement>("/api/v1/services");
            return doc.GetProperty("services").EnumerateArray()
                .Where(s => services.Contains(s.GetProperty("name").GetString()))
                .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("requests").GetInt64());
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return [];
        }
    }
}
