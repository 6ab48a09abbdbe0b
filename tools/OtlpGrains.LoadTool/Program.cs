using System.Diagnostics;
using System.Net;
using Grpc.Net.Client;
using OtlpGrains.LoadTool;

if (args.Length > 0 && args[0] == "sink")
{
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        stop.Cancel();
    };
    return await NullSink.RunAsync(args[1..], stop.Token);
}

LoadOptions? options = LoadOptions.Parse(args, out string? usageError);
if (options is null)
{
    await Console.Error.WriteLineAsync($"error: {usageError} (see --help)");
    return 2;
}

if (options.Help)
{
    Console.WriteLine(LoadOptions.Usage);
    return 0;
}

using var abort = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl+C stops sending and skips to the report; a second one ends the process.
    e.Cancel = !abort.IsCancellationRequested;
    abort.Cancel();
};

LoadSignal signal = LoadSignal.Of(options.Signal);
IReadOnlyList<RequestTemplate> templates;
(FaultPlan, IReadOnlyList<RequestTemplate>)? fault = null;
bool dryRunOk;
if (options.Signal == SignalKind.Logs)
{
    IReadOnlyList<LogRequestTemplate> logTemplates = LogPlan.BuildTemplates(options);
    templates = logTemplates;
    Console.WriteLine(
        $"run {options.RunId}: {options.Services} services ({options.ServicePrefix}NN), {options.RecordsPerRequest} log records per request " +
        $"({LogMessageShapes.All.Count} message shapes, about half traced), {templates.Count} templates");
    dryRunOk = options.DryRun && LogPlan.DryRun(logTemplates, options);
}
else
{
    IReadOnlyList<TraceTemplate> traceTemplates = LoadPlan.BuildTemplates(options);
    templates = traceTemplates;
    Console.WriteLine(
        $"run {options.RunId}: {options.Services} services ({options.ServicePrefix}NN), {traceTemplates[0].ItemCount} spans per request " +
        $"({traceTemplates[0].TraceCount} traces of {options.SpansPerTrace}), {templates.Count} templates");
    IReadOnlyList<TraceTemplate>? faultTemplates = null;
    if (options.Fault is { } plan)
    {
        faultTemplates = LoadPlan.BuildTemplates(options, plan);
        fault = (plan, faultTemplates);
        Console.WriteLine($"fault: {plan.Describe(options)}");
    }

    dryRunOk = options.DryRun && LoadPlan.DryRun(traceTemplates, options) && (faultTemplates is null || LoadPlan.DryRun(faultTemplates, options));
}

if (options.DryRun)
{
    return dryRunOk ? 0 : 1;
}

Console.WriteLine(
    $"sending to {options.Endpoint} ({options.Protocol.Name()}) with {options.Streams} streams " +
    (options.Requests is long total ? $"for {total} requests" : $"for {options.Duration.TotalSeconds:0.#} s"));

ClientTls tls;
try
{
    tls = ClientTls.Load(options);
}
catch (ClientTlsException ex)
{
    await Console.Error.WriteLineAsync($"error: {ex.Message}");
    return 2;
}

using GrpcChannel channel = GrpcChannel.ForAddress(options.Endpoint, new GrpcChannelOptions
{
    HttpHandler = tls.Configure(new SocketsHttpHandler { EnableMultipleHttp2Connections = true }),
    HttpVersion = HttpVersion.Version20,
});
// OTLP/HTTP: HTTP/1.1 with one keep-alive connection per stream, as the SDK exporters send.
using var http = RequestHeaders.ApplyTo(
    new HttpClient(tls.Configure(new SocketsHttpHandler { MaxConnectionsPerServer = options.Streams })) { Timeout = TimeSpan.FromSeconds(10) },
    options.Headers);
IExportTransport transport = options.Protocol == ExportProtocol.Grpc
    ? new GrpcExportTransport(channel.CreateCallInvoker(), signal, TimeProvider.System, RequestHeaders.ToMetadata(options.Headers))
    : new HttpExportTransport(http, options.Endpoint, signal, json: options.Protocol == ExportProtocol.HttpJson);
var clock = new EventClock(TimeProvider.System, options.EventStart, options.Speed);
var sender = new RequestSender(
    transport, templates, fault, options.Services, clock, new RequestPacer(options.Rate), TimeProvider.System);
RssWatch? rss = options.WatchPid is int pid ? new RssWatch(pid) : null;
var budget = new RequestBudget(options.Requests, options.Duration);
long started = Stopwatch.GetTimestamp();
Task<SenderStats>[] streams = Enumerable.Range(0, options.Streams)
    .Select(stream => Task.Run(() => sender.RunAsync(stream, budget, abort.Token)))
    .ToArray();

using (var progress = new PeriodicTimer(TimeSpan.FromSeconds(5)))
{
    Task all = Task.WhenAll(streams);
    while (await Task.WhenAny(all, progress.WaitForNextTickAsync().AsTask()) != all)
    {
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        long? kib = rss?.Sample(seconds);
        Console.WriteLine($"  {seconds,6:0} s  {sender.Finished} requests" + (kib is long k ? $", rss {k / 1024} MiB" : string.Empty));
    }
}

TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
var stats = new SenderStats(options.Services);
foreach (Task<SenderStats> stream in streams)
{
    stats.Add(await stream);
}

LoadPlan.PrintReport(stats, signal, elapsed);
rss?.PrintReport();
if (sender.CaughtUpWithWallClock)
{
    Console.WriteLine("note: event time reached the wall clock, so sending stopped early (--event-start, --speed)");
}

if (abort.IsCancellationRequested)
{
    Console.WriteLine("interrupted: skipping the service check");
    return 1;
}

if (options.NoCheck)
{
    Console.WriteLine("no check (--no-check)");
    return stats.Requests > 0 ? 0 : 1;
}

bool matched = await ServiceCheck.RunAsync(options, signal, stats.ExpectedPerService, tls, TimeProvider.System, abort.Token);
// A run that acknowledged nothing tested nothing, even if every count is zero as expected.
return matched && stats.Requests > 0 && stats.PartiallyRejectedRequests == 0 ? 0 : 1;
