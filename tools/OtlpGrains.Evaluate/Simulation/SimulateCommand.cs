using System.Net;
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
        using GrpcChannel channel = GrpcChannel.ForAddress(options.Endpoint, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
            HttpVersion = HttpVersion.Version20,
        });
        var runs = new List<ScenarioRun>();
        await using (var exporter = new OtlpExporter(channel.CreateCallInvoker(), maxInFlight: 4, time))
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

        return (runs.All(r => r.Acknowledged == r.Items) ? 0 : 1, runs);
    }
}
