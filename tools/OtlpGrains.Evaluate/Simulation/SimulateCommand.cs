using System.Net;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using OtlpGrains.Evaluate.Replay;
using OtlpGrains.Models.Simulation;

namespace OtlpGrains.Evaluate.Simulation;

/// <summary>
/// <c>simulate --scenario NAME|all</c>: generates each scenario (traces, logs, gauges, with its faults) and sends it
/// through a cluster's OTLP/gRPC port, printing the faults' ground truth in event time. Exit code 0 when everything
/// sent was acknowledged, 1 when some of it failed or was rejected, 2 for bad arguments.
/// </summary>
internal static class SimulateCommand
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        SimulateOptions? options = SimulateOptions.Parse(args, out string? usageError);
        if (options is null)
        {
            return Usage.Fail(error, usageError!);
        }

        return RunAsync(options, output, TimeProvider.System, CancellationToken.None).GetAwaiter().GetResult().Exit;
    }

    /// <summary>Runs the options' scenarios one after the other; each ends at the wall clock when it starts.</summary>
    public static Task<(int Exit, IReadOnlyList<ScenarioRun> Runs)> RunAsync(
        SimulateOptions options, TextWriter output, TimeProvider time, CancellationToken ct, Func<Scenario, CancellationToken, Task>? afterCalibration = null) =>
        RunAsync([.. options.Scenarios.Select(options.Create)], options, output, time, ct, afterCalibration);

    /// <summary>
    /// Runs the given scenarios (a test's shorter ones) with the options' endpoint, seed, speed and batch; with
    /// <paramref name="afterCalibration"/>, each pauses for it after its first minutes (<see cref="ScenarioSender"/>).
    /// </summary>
    public static async Task<(int Exit, IReadOnlyList<ScenarioRun> Runs)> RunAsync(
        IReadOnlyList<Scenario> scenarios, SimulateOptions options, TextWriter output, TimeProvider time, CancellationToken ct,
        Func<Scenario, CancellationToken, Task>? afterCalibration = null)
    {
        using GrpcChannel channel = Channel(options.Endpoint);
        CallInvoker invoker = WithKey(channel.CreateCallInvoker(), options.ApiKey);
        var routeChannels = options.Routes.Select(r => (Route: r, Channel: Channel(r.Endpoint))).ToArray();
        var routed = new Dictionary<string, CallInvoker>(StringComparer.Ordinal);
        foreach ((SimulateRoute route, GrpcChannel routeChannel) in routeChannels)
        {
            routed[options.RunId + route.Service] = WithKey(routeChannel.CreateCallInvoker(), route.ApiKey ?? options.ApiKey);
        }

        ServiceRoutes? routes = routed.Count == 0 ? null : new ServiceRoutes(invoker, s => routed.GetValueOrDefault(s));
        var runs = new List<ScenarioRun>();
        try
        {
            await SendAllAsync(scenarios, options, new OtlpExporter(invoker, maxInFlight: 4, time, routes), runs, output, time, afterCalibration, ct);
        }
        finally
        {
            foreach ((_, GrpcChannel routeChannel) in routeChannels)
            {
                routeChannel.Dispose();
            }
        }

        return (runs.All(r => r.Acknowledged == r.Items) ? 0 : 1, runs);
    }

    private static async Task SendAllAsync(
        IReadOnlyList<Scenario> scenarios, SimulateOptions options, OtlpExporter created, List<ScenarioRun> runs, TextWriter output, TimeProvider time,
        Func<Scenario, CancellationToken, Task>? afterCalibration, CancellationToken ct)
    {
        await using (var exporter = created)
        {
            foreach (Scenario scenario in scenarios)
            {
                runs.Add(await ScenarioSender.SendAsync(scenario, options, exporter, time, output, ct, afterCalibration));
            }

            await exporter.DrainAsync();
            foreach (SignalTally tally in new[] { exporter.Traces, exporter.Logs, exporter.Metrics })
            {
                output.WriteLine(tally.ToString());
            }
        }
    }

    private static GrpcChannel Channel(Uri endpoint) => GrpcChannel.ForAddress(endpoint, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
        HttpVersion = HttpVersion.Version20,
    });

    private static CallInvoker WithKey(CallInvoker invoker, string? key) =>
        key is null ? invoker : invoker.Intercept(metadata =>
        {
            metadata.Add("authorization", "Bearer " + key);
            return metadata;
        });
}
