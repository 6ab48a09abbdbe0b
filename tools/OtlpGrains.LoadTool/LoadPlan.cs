using System.Diagnostics;
using System.Globalization;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace OtlpGrains.LoadTool;

/// <summary>The templates of a run, the offline self-check (<c>--dry-run</c>) and the throughput report.</summary>
internal static class LoadPlan
{
    private const int MinTemplates = 10;

    /// <summary>
    /// Enough templates that every service starts some trace, and at least ten so that the sent traces vary; traces
    /// are numbered across templates so that every 50th one fails.
    /// </summary>
    public static IReadOnlyList<TraceTemplate> BuildTemplates(LoadOptions options, FaultPlan? fault = null)
    {
        int tracesPerRequest = Math.Max(1, options.SpansPerRequest / options.SpansPerTrace);
        return Enumerable.Range(0, TemplateCount(options.Services, tracesPerRequest))
            .Select(template => TraceTemplate.Build(options, template * tracesPerRequest, tracesPerRequest, fault))
            .ToArray();
    }

    /// <summary>How many templates a run sends: at least ten, and enough that every service appears when each covers <paramref name="servicesPerTemplate"/>.</summary>
    public static int TemplateCount(int services, int servicesPerTemplate) =>
        Math.Max(MinTemplates, (services + servicesPerTemplate - 1) / servicesPerTemplate);

    /// <summary>Stamps every template twice and checks that the results parse with fresh, distinct trace ids.</summary>
    public static bool DryRun(IReadOnlyList<TraceTemplate> templates, LoadOptions options)
    {
        var random = new Random(1);
        var traceIds = new HashSet<string>(StringComparer.Ordinal);
        var services = new HashSet<string>(StringComparer.Ordinal);
        ulong now = (ulong)(DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
        int stamped = 0;
        var problems = new List<string>();
        foreach (TraceTemplate template in templates)
        {
            var buffer = new byte[template.Encoded.Length];
            for (int round = 0; round < 2; round++)
            {
                template.Stamp(buffer, random, now);
                ExportTraceServiceRequest request = options.Protocol == ExportProtocol.HttpJson
                    ? OtlpJsonText.Parse<ExportTraceServiceRequest>(buffer)
                    : ExportTraceServiceRequest.Parser.ParseFrom(buffer);
                stamped++;
                Span[] spans = request.ResourceSpans.SelectMany(resource => resource.ScopeSpans).SelectMany(scope => scope.Spans).ToArray();
                foreach (ResourceSpans resource in request.ResourceSpans)
                {
                    services.Add(resource.Resource.Attributes.Single(a => a.Key == "service.name").Value.StringValue);
                }

                if (spans.Length != template.ItemCount)
                {
                    problems.Add($"{spans.Length} spans, expected {template.ItemCount}");
                }

                if (spans.Any(span => span.StartTimeUnixNano > span.EndTimeUnixNano || span.EndTimeUnixNano > now || span.TraceId.Length != 16))
                {
                    problems.Add("a span has bad times or a bad trace id");
                }

                foreach (IGrouping<string, Span> trace in spans.GroupBy(span => Convert.ToHexStringLower(span.TraceId.Span)))
                {
                    if (!traceIds.Add(trace.Key))
                    {
                        problems.Add($"trace id {trace.Key} repeated");
                    }

                    if (trace.Count() != options.SpansPerTrace || trace.Count(span => span.ParentSpanId.IsEmpty) != 1)
                    {
                        problems.Add($"trace {trace.Key} does not have {options.SpansPerTrace} spans with one root");
                    }
                }
            }
        }

        long[] requests = templates.Aggregate(new long[options.Services], (sum, t) => [.. sum.Zip(t.ExpectedPerService, (a, b) => a + b)]);
        Console.WriteLine(
            $"dry run: {stamped} requests stamped, {traceIds.Count} distinct trace ids, {services.Count} services, " +
            $"request spans per template pass: {string.Join(' ', requests.Select(r => r.ToString(CultureInfo.InvariantCulture)))}");
        return Conclude(problems, services.Count, options);
    }

    /// <summary>The end of a dry run of either signal: every service must appear; prints the problems found and the verdict.</summary>
    public static bool Conclude(List<string> problems, int servicesSeen, LoadOptions options)
    {
        if (servicesSeen != options.Services)
        {
            problems.Add($"{servicesSeen} services appear, expected {options.Services}");
        }

        foreach (string problem in problems.Distinct().Take(10))
        {
            Console.WriteLine("  problem: " + problem);
        }

        Console.WriteLine(problems.Count == 0 ? "dry run ok" : "dry run FAILED");
        return problems.Count == 0;
    }

    public static void PrintReport(SenderStats stats, LoadSignal signal, TimeSpan elapsed)
    {
        double seconds = Math.Max(elapsed.TotalSeconds, 1e-9);
        long[] latencies = [.. stats.LatencyTicks.Order()];
        Console.WriteLine();
        Console.WriteLine($"duration          {elapsed.TotalSeconds:0.00} s");
        Console.WriteLine($"requests          {stats.Requests} acknowledged, {stats.Requests / seconds:0.0}/s");
        Console.WriteLine($"{signal.Items,-17} {stats.AcknowledgedItems} acknowledged, {stats.AcknowledgedItems / seconds:0}/s, {stats.RejectedItems} rejected");
        Console.WriteLine($"retries           {stats.Retries}{ThrottleDetail(stats)}");
        Console.WriteLine($"failures          {stats.Failures}{FailureDetail(stats)}");
        Console.WriteLine($"latency p50/p99   {Percentile(latencies, 0.50):0.00} / {Percentile(latencies, 0.99):0.00} ms");
        if (stats.PartiallyRejectedRequests > 0)
        {
            Console.WriteLine(
                $"warning: {stats.PartiallyRejectedRequests} requests were partly rejected; their {signal.Counted} are left out " +
                "of the expected counts, so the check below cannot match exactly");
        }

        if (stats.Failures > 0)
        {
            Console.WriteLine("note: failed requests may still have been ingested in part; seen counts above expected are possible");
        }
    }

    private static string ThrottleDetail(SenderStats stats) =>
        stats.Retries == 0 ? string.Empty : $" after refusals asking to back off ({string.Join(", ", stats.ThrottlesByStatus.Select(pair => $"{pair.Key} {pair.Value}"))})";

    private static string FailureDetail(SenderStats stats) =>
        stats.Failures == 0
            ? string.Empty
            : $" ({string.Join(", ", stats.FailuresByStatus.Select(pair => $"{pair.Key} {pair.Value}"))}; last: {stats.LastFailure})";

    /// <summary>Nearest-rank percentile of sorted Stopwatch ticks, in milliseconds.</summary>
    private static double Percentile(long[] sortedTicks, double quantile)
    {
        if (sortedTicks.Length == 0)
        {
            return 0;
        }

        int index = (int)Math.Ceiling(quantile * sortedTicks.Length) - 1;
        return sortedTicks[Math.Clamp(index, 0, sortedTicks.Length - 1)] * 1000.0 / Stopwatch.Frequency;
    }
}
