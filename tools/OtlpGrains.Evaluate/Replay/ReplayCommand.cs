using System.Diagnostics;
using System.Globalization;
using System.Net;
using Grpc.Net.Client;

namespace OtlpGrains.Evaluate.Replay;

/// <summary>
/// <c>replay &lt;nezha-dir&gt;</c>: sends a recorded Nezha day (traces, logs, metrics) through a cluster's OTLP/gRPC
/// port in event-time order, and reports per signal what was sent and acknowledged. Exit code 0 when everything
/// sent was acknowledged, 1 when some of it failed or was rejected, 2 for bad arguments or unreadable data.
/// </summary>
internal static class ReplayCommand
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ReplayOptions? options = ReplayOptions.Parse(args, out string? usageError);
        if (options is null)
        {
            return Usage.Fail(error, usageError!);
        }

        using var abort = new CancellationTokenSource();
        ConsoleCancelEventHandler cancel = (_, e) =>
        {
            e.Cancel = !abort.IsCancellationRequested;
            abort.Cancel();
        };
        Console.CancelKeyPress += cancel;
        try
        {
            return RunAsync(options, output, error, TimeProvider.System, abort.Token).GetAwaiter().GetResult();
        }
        finally
        {
            Console.CancelKeyPress -= cancel;
        }
    }

    public static async Task<int> RunAsync(ReplayOptions options, TextWriter output, TextWriter error, TimeProvider time, CancellationToken ct)
    {
        ReplayPlan plan;
        try
        {
            plan = ReplayPlan.Build(NezhaDataset.Open(options.Directory), options, time.GetUtcNow());
        }
        catch (Exception e) when (e is ReplayInputException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: {e.Message}");
            return 2;
        }

        return await RunAsync(plan, options, output, error, time, ct);
    }

    /// <summary>
    /// Replays a plan built beforehand, so that the caller (an evaluation) can map the fault list's times with
    /// <see cref="ReplayPlan.SentTime"/>. Built earlier than sent, a plan shifted to now only lands further in the past.
    /// </summary>
    public static async Task<int> RunAsync(
        ReplayPlan plan, ReplayOptions options, TextWriter output, TextWriter error, TimeProvider time, CancellationToken ct)
    {
        string speed = options.Speed is double s ? s.ToString("0.###", CultureInfo.InvariantCulture) + "x" : "max (as fast as acknowledged)";
        output.WriteLine($"replaying {options.Directory} to {options.Endpoint} at speed {speed}, up to {options.Batch} items per request");
        if (options.WithHistory)
        {
            output.WriteLine("with history: the fault-free construct_data is replayed first, shifted to end 1 s before the first replayed event");
        }

        if (options.CloseGaps is { } gap)
        {
            output.WriteLine($"gaps closed: {plan.Segments.Count(s => s.Minutes is not null)} recorded runs, at most {gap.TotalSeconds:0.#} s apart");
        }

        if (options.ShiftTo is not null)
        {
            output.WriteLine($"times shifted by {TimeSpan.FromTicks(plan.Segments[^1].OffsetNanos / 100):d\\.hh\\:mm\\:ss} (--shift-to; the last run's offset)");
        }

        using GrpcChannel channel = GrpcChannel.ForAddress(options.Endpoint, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
            HttpVersion = HttpVersion.Version20,
        });
        await using var exporter = new OtlpExporter(channel.CreateCallInvoker(), maxInFlight: 4, time);
        var engine = new ReplayEngine(exporter, options.Batch, time, output);
        long started = Stopwatch.GetTimestamp();
        bool interrupted = false;
        try
        {
            await engine.RunAsync(plan, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            interrupted = true;
            await exporter.DrainAsync();
        }
        catch (ReplayInputException e)
        {
            await exporter.DrainAsync();
            error.WriteLine($"error: {e.Message}");
            return 2;
        }

        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        SignalTally[] tallies = [exporter.Traces, exporter.Logs, exporter.Metrics];
        foreach (SignalTally tally in tallies)
        {
            output.WriteLine(tally.ToString());
        }

        long items = tallies.Sum(t => t.Items), acknowledged = tallies.Sum(t => t.Acknowledged);
        output.WriteLine(FormattableString.Invariant(
            $"REPLAY items={items} acknowledged={acknowledged} inferred_client_spans={engine.InferredSpans} seconds={seconds:F1} items_per_s={items / Math.Max(seconds, 1e-9):F0}"));
        if (engine.Malformed.Count > 0)
        {
            output.WriteLine($"skipped {engine.Malformed.Count} torn rows (the first: {engine.Malformed.First})");
        }

        if (interrupted)
        {
            output.WriteLine("interrupted");
            return 1;
        }

        return acknowledged == items ? 0 : 1;
    }
}
