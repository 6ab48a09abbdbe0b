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
        if (options.OtlpJson)
        {
            return await RunOtlpJsonAsync(options, output, error, time, ct);
        }

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

        using GrpcChannel channel = Channel(options.Endpoint);
        await using var exporter = new OtlpExporter(channel.CreateCallInvoker(), options.InFlight, time);
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

        bool complete = Summarize(exporter, Stopwatch.GetElapsedTime(started).TotalSeconds, $"inferred_client_spans={engine.InferredSpans} ", output);
        if (engine.Malformed.Count > 0)
        {
            output.WriteLine($"skipped {engine.Malformed.Count} torn rows (the first: {engine.Malformed.First})");
        }

        if (engine.Repeated.Count > 0)
        {
            output.WriteLine($"dropped {engine.Repeated.Count} rows a minute file repeated from the one before");
        }

        if (interrupted)
        {
            output.WriteLine("interrupted");
            return 1;
        }

        return complete ? 0 : 1;
    }

    /// <summary>
    /// <c>replay --otlp-json</c>: every file is read and checked before anything is sent, so a bad one stops the
    /// replay (exit 2) with <c>error: file:line: reason</c>.
    /// </summary>
    private static async Task<int> RunOtlpJsonAsync(ReplayOptions options, TextWriter output, TextWriter error, TimeProvider time, CancellationToken ct)
    {
        string speed = options.Speed is double s ? s.ToString("0.###", CultureInfo.InvariantCulture) + "x" : "max (as fast as acknowledged)";
        output.WriteLine($"replaying OTLP/JSON {options.Directory} to {options.Endpoint} at speed {speed}");
        using GrpcChannel channel = Channel(options.Endpoint);
        await using var exporter = new OtlpExporter(channel.CreateCallInvoker(), options.InFlight, time);
        var replay = new OtlpJsonReplay(exporter, time, output);
        long started = Stopwatch.GetTimestamp();
        try
        {
            long shift = await replay.RunAsync(options, ct);
            if (options.ShiftTo is not null)
            {
                output.WriteLine(FormattableString.Invariant($"times shifted by {shift / 1e9:+0.###;-0.###;0} s (--shift-to)"));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await exporter.DrainAsync();
            Summarize(exporter, Stopwatch.GetElapsedTime(started).TotalSeconds, $"requests={replay.Requests} ", output);
            output.WriteLine("interrupted");
            return 1;
        }
        catch (Exception e) when (e is ReplayInputException or IOException or UnauthorizedAccessException)
        {
            await exporter.DrainAsync();
            error.WriteLine($"error: {e.Message}");
            return 2;
        }

        return Summarize(exporter, Stopwatch.GetElapsedTime(started).TotalSeconds, $"requests={replay.Requests} ", output) ? 0 : 1;
    }

    private static GrpcChannel Channel(Uri endpoint) => GrpcChannel.ForAddress(endpoint, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
        HttpVersion = HttpVersion.Version20,
    });

    // One line per signal and the REPLAY line; true when everything sent was acknowledged.
    private static bool Summarize(OtlpExporter exporter, double seconds, string extra, TextWriter output)
    {
        SignalTally[] tallies = [exporter.Traces, exporter.Logs, exporter.Metrics];
        foreach (SignalTally tally in tallies)
        {
            output.WriteLine(tally.ToString());
        }

        long items = tallies.Sum(t => t.Items), acknowledged = tallies.Sum(t => t.Acknowledged);
        output.WriteLine(FormattableString.Invariant(
            $"REPLAY items={items} acknowledged={acknowledged} {extra}seconds={seconds:F1} items_per_s={items / Math.Max(seconds, 1e-9):F0}"));
        return acknowledged == items;
    }
}
