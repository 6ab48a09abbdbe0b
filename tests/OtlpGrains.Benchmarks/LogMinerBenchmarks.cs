using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OtlpGrains.Models.Evaluation.Loghub;
using OtlpGrains.Models.Logs;

namespace OtlpGrains.Benchmarks;

/// <summary>
/// What the log template miner costs per line on one core, over the 24,000 lines of the twelve Loghub-2k systems
/// (one miner per system, in file order). <c>Match</c> runs miners that have already seen their system once, the
/// steady state of a service; <c>LearnFromScratch</c> starts fresh miners, so template creation is included;
/// <c>MaskOnly</c> is the masker alone. Mean is ns per line, Allocated bytes per line.
/// </summary>
/// <remarks>Run: <c>dotnet run -c Release --project tests/OtlpGrains.Benchmarks -- --filter '*LogMinerBenchmarks*'</c></remarks>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
[MemoryDiagnoser]
[BenchmarkCategory("logs")]
public class LogMinerBenchmarks
{
    private const int Lines = 24_000;

    private string[][] _systems = [];
    private LogTemplateMiner[] _warm = [];
    private readonly MaskedLine _line = new();

    [GlobalSetup]
    public void Setup()
    {
        _systems = [.. LoghubSystem.LoadAll(LoghubDirectory()).Select(s => s.Contents.ToArray())];
        if (_systems.Sum(s => s.Length) != Lines)
        {
            throw new InvalidOperationException($"expected {Lines} Loghub lines, found {_systems.Sum(s => s.Length)}");
        }

        _warm = [.. _systems.Select(_ => new LogTemplateMiner(LogMinerOptions.Default))];
        for (int s = 0; s < _systems.Length; s++)
        {
            foreach (string line in _systems[s])
            {
                _warm[s].Match(line);
            }
        }

        // The state a grain would persist, per system, through the Orleans serializer; and the largest miner's heap.
        using ServiceProvider services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        Console.WriteLine("// miner state bytes (Orleans serializer): " + string.Join(", ", _warm.Select(m => $"{m.Count} templates {serializer.SerializeToArray(m).Length}")));
    }

    [Benchmark(OperationsPerInvoke = Lines)]
    public int Match()
    {
        int sum = 0;
        for (int s = 0; s < _systems.Length; s++)
        {
            LogTemplateMiner miner = _warm[s];
            foreach (string line in _systems[s])
            {
                sum += miner.Match(line);
            }
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Lines)]
    public int LearnFromScratch()
    {
        int sum = 0;
        foreach (string[] system in _systems)
        {
            var miner = new LogTemplateMiner(LogMinerOptions.Default);
            foreach (string line in system)
            {
                sum += miner.Match(line);
            }
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Lines)]
    public int MaskOnly()
    {
        int sum = 0;
        foreach (string[] system in _systems)
        {
            foreach (string line in system)
            {
                LogMasker.Mask(line, _line, LogMinerOptions.Default.MaxTokens, LogMinerOptions.Default.MaxTokenChars);
                sum += _line.Count;
            }
        }

        return sum;
    }

    /// <summary>shared/data/loghub-2k beside the repository root, found by walking up as the tests do.</summary>
    private static string LoghubDirectory()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "data", "loghub-2k");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"shared/data/loghub-2k not found above {AppContext.BaseDirectory}");
    }
}
