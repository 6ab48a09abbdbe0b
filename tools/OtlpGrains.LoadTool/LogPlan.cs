using System.Globalization;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Logs.V1;

namespace OtlpGrains.LoadTool;

/// <summary>The log templates of a run and their offline self-check (<c>--signal logs --dry-run</c>).</summary>
internal static class LogPlan
{
    /// <summary>Enough templates that every service has records, and at least ten so that the sent lines vary.</summary>
    public static IReadOnlyList<LogRequestTemplate> BuildTemplates(LoadOptions options)
    {
        int perRequest = options.RecordsPerRequest;
        return Enumerable.Range(0, LoadPlan.TemplateCount(options.Services, perRequest))
            .Select(template => LogRequestTemplate.Build(options, template * perRequest, perRequest))
            .ToArray();
    }

    /// <summary>
    /// Stamps every template twice and checks that the results parse as the templates say: every record timed at or
    /// before now and observed after its event, fresh trace ids, span ids beside them, ERROR records all traced.
    /// </summary>
    public static bool DryRun(IReadOnlyList<LogRequestTemplate> templates, LoadOptions options)
    {
        var random = new Random(1);
        var traceIds = new HashSet<string>(StringComparer.Ordinal);
        var services = new HashSet<string>(StringComparer.Ordinal);
        var bodies = new HashSet<string>(StringComparer.Ordinal);
        ulong now = (ulong)(DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
        ulong oldest = now - (ulong)TimeSpan.FromMinutes(1).Ticks * 100;
        int stamped = 0;
        var problems = new List<string>();
        foreach (LogRequestTemplate template in templates)
        {
            var buffer = new byte[template.Encoded.Length];
            for (int round = 0; round < 2; round++)
            {
                template.Stamp(buffer, random, now);
                ExportLogsServiceRequest request = options.Protocol == ExportProtocol.HttpJson
                    ? OtlpJsonText.Parse<ExportLogsServiceRequest>(buffer)
                    : ExportLogsServiceRequest.Parser.ParseFrom(buffer);
                stamped++;
                foreach (ResourceLogs resource in request.ResourceLogs)
                {
                    services.Add(resource.Resource.Attributes.Single(a => a.Key == "service.name").Value.StringValue);
                }

                LogRecord[] records = [.. request.ResourceLogs.SelectMany(resource => resource.ScopeLogs).SelectMany(scope => scope.LogRecords)];
                if (records.Length != template.ItemCount)
                {
                    problems.Add($"{records.Length} records, expected {template.ItemCount}");
                }

                if (records.Any(r => r.TimeUnixNano < oldest || r.TimeUnixNano > r.ObservedTimeUnixNano || r.ObservedTimeUnixNano > now))
                {
                    problems.Add("a record's time is not within the minute before now, or after its observed time");
                }

                LogRecord[] traced = [.. records.Where(r => !r.TraceId.IsEmpty)];
                if (traced.Length != template.TracedCount || traced.Any(r => r.TraceId.Length != 16 || r.SpanId.Length != 8))
                {
                    problems.Add($"{traced.Length} records with 16-byte trace ids and 8-byte span ids, expected {template.TracedCount}");
                }

                if (records.Any(r => r.SeverityNumber >= SeverityNumber.Error && r.TraceId.IsEmpty))
                {
                    problems.Add("an ERROR record has no trace id");
                }

                foreach (string traceId in traced.Select(r => Convert.ToHexStringLower(r.TraceId.Span)).Distinct())
                {
                    if (!traceIds.Add(traceId))
                    {
                        problems.Add($"trace id {traceId} repeated");
                    }
                }

                bodies.UnionWith(records.Select(r => r.Body.StringValue));
            }
        }

        long[] perService = templates.Aggregate(new long[options.Services], (sum, t) => [.. sum.Zip(t.ExpectedPerService, (a, b) => a + b)]);
        Console.WriteLine(
            $"dry run: {stamped} requests stamped, {traceIds.Count} distinct trace ids, {bodies.Count} distinct bodies, " +
            $"{services.Count} services, records per template pass: {string.Join(' ', perService.Select(r => r.ToString(CultureInfo.InvariantCulture)))}");
        return LoadPlan.Conclude(problems, services.Count, options);
    }
}
