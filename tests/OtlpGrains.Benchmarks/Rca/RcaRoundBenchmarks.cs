using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using OtlpGrains.Grains;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Incidents;

namespace OtlpGrains.Benchmarks.Rca;

/// <summary>
/// The cost of one root-cause round for an incident of ten anomalous services on a 100-service call graph
/// (<see cref="CallGraphSample"/>), on an in-process silo built as the silo host builds it (memory storage):
/// <list type="bullet">
/// <item><see cref="Rank"/>: <see cref="RootCauseRanker.Rank"/> alone (models), on the evidence the service grains
/// returned for the incident;</item>
/// <item><see cref="DirectoryGet"/>: <c>IIncidentDirectoryGrain.GetAsync</c>, the round the API's
/// <c>GET /api/v1/incidents/{id}</c> makes: the evidence of each service from its grain, in parallel, then the ranking.</item>
/// </list>
/// Setup prints the grain calls of one round and the bytes their results take through the Orleans serializer.
/// </summary>
/// <remarks>Run: <c>dotnet run -c Release --project tests/OtlpGrains.Benchmarks -- --filter '*RcaRound*'</c>.</remarks>
[Config(typeof(ShortInProcessJob))]
[MemoryDiagnoser]
public class RcaRoundBenchmarks
{
    private IHost _host = null!;
    private CallGraphSample _graph = null!;
    private IIncidentDirectoryGrain _directory = null!;
    private string _id = "";
    private Incident _incident = null!;
    private Dictionary<string, ServiceEvidence> _evidence = [];

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        _host.StopAsync().GetAwaiter().GetResult();
        _host.Dispose();
    }

    [Benchmark]
    public RootCause[] Rank() => RootCauseRanker.Rank(_incident, s => _graph.Callees.GetValueOrDefault(s) ?? [], s => _evidence.GetValueOrDefault(s));

    [Benchmark]
    public async Task<IncidentView?> DirectoryGet() => await _directory.GetAsync(_id);

    private async Task SetupAsync()
    {
        int[] ports = [FreePort(), FreePort()];
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(ports[0], ports[1]);
            silo.AddOtlpGrainsMemoryStorage();
            silo.AddBoundedMemoryTraceStore();
            silo.AddOtlpGrains();
            silo.AddOtlpGrainsStreams();
            silo.Services.AddSingleton<IGrainStorageSerializer, OrleansGrainStorageSerializer>();
            silo.Services.AddSingleton<GrainCallMeter>();
            silo.Services.AddSingleton<IOutgoingGrainCallFilter>(sp => sp.GetRequiredService<GrainCallMeter>());
            silo.Services.AddSingleton<DetectionGate>();
            silo.Services.AddSingleton<IOutgoingGrainCallFilter>(sp => sp.GetRequiredService<DetectionGate>());
        });
        _host = builder.Build();
        await _host.StartAsync();
        var grains = _host.Services.GetRequiredService<IGrainFactory>();
        var meter = _host.Services.GetRequiredService<GrainCallMeter>();

        // Event time: forty minutes ending five minutes ago, as a replay shifted to now would leave it.
        long origin = (DateTimeOffset.UtcNow.AddMinutes(-45).ToUnixTimeSeconds() / 10 * 10) * 1_000_000_000L;
        _graph = new CallGraphSample(origin);
        await _graph.FeedAsync(grains);

        _directory = grains.GetGrain<IIncidentDirectoryGrain>(IIncidentDirectoryGrain.DefaultKey);
        AnomalyEvent[] anomalies = _graph.Anomalies();
        meter.On = true;
        await _directory.AddAnomaliesAsync(anomalies);
        meter.On = false;
        Print("grouping (AddAnomalies, graph cache cold)", meter);
        Console.WriteLine($"// the detectors' own events held back from the directory: {_host.Services.GetRequiredService<DetectionGate>().Held}");

        IncidentView view = (await _directory.ListAsync(null, "open")).Single(i => i.Services.Any(s => s.Name == _graph.Root));
        if (view.Services.Length != _graph.Anomalous.Length)
        {
            throw new InvalidOperationException(
                $"the incident has {view.Services.Length} services, not {_graph.Anomalous.Length}: {string.Join(", ", view.Services.Select(s => s.Name))}");
        }

        _id = view.Id;
        meter.Reset();
        meter.On = true;
        IncidentView? round = await _directory.GetAsync(_id);
        meter.On = false;
        Print("one GetAsync round (graph cache warm)", meter);
        Console.WriteLine($"// incident {_id}: {view.Services.Length} services, first cause {round?.RootCauses[0].Service} (fault in {_graph.Root})");

        // For the ranker alone: the evidence that round returned, and the incident as the directory's book holds it.
        _evidence = meter.Results.OfType<ServiceEvidence>().ToDictionary(e => e.Service, StringComparer.Ordinal);
        var book = new IncidentBook();
        foreach (AnomalyEvent anomaly in anomalies)
        {
            _incident = book.Add(anomaly, Connected, IncidentOptions.Default, out _) ?? _incident;
        }
    }

    private bool Connected(string a, string b) => _graph.Callees[a].Contains(b) || _graph.Callees[b].Contains(a);

    private static void Print(string what, GrainCallMeter meter)
    {
        Console.WriteLine($"// {what}: {meter.Calls.Values.Sum(c => c.Calls)} grain calls, {meter.Calls.Values.Sum(c => c.Bytes):N0} result bytes");
        foreach (var (method, (calls, bytes)) in meter.Calls.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"//   {method}: {calls} calls, {bytes:N0} bytes");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class ShortInProcessJob : ManualConfig
    {
        // In process: the silo started by the setup must live in the process that runs the benchmark.
        public ShortInProcessJob() =>
            AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10));
    }
}
