using System.Globalization;
using System.Text;
using OtlpGrains.Gateway.Ingest;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Tests;

/// <summary>
/// An ingest plan as text, every field of every batch in order, so that two plans compare with one equality and a
/// difference shows where it is.
/// </summary>
internal static class PlanText
{
    public static string Of(TraceIngestPlan plan)
    {
        var text = new StringBuilder().AppendLine(CultureInfo.InvariantCulture, $"batch {plan.BatchId} accepted {plan.Accepted} rejected {plan.Rejected} reason {plan.RejectReason}");
        foreach (var (service, batch) in plan.Services)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"service {service} {batch.BatchId} [{string.Join("|", batch.Operations)}]");
            foreach (var span in batch.Spans)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {span}");
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"  exemplars {string.Join(", ", batch.Exemplars)}");
        }

        foreach (var batch in plan.Traces)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"trace {batch.TraceId}");
            for (int i = 0; i < batch.Spans.Length; i++)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {batch.Spans[i]}");
                text.AppendLine(CultureInfo.InvariantCulture, $"    attributes {(batch.Attributes is { } a ? Convert.ToHexString(a.Of(i).Span) : "none")}");
            }
        }

        return text.ToString();
    }

    public static string Of(SignalIngestPlan<ServiceMetricBatch> plan)
    {
        var text = new StringBuilder().AppendLine(CultureInfo.InvariantCulture, $"accepted {plan.Accepted} rejected {plan.Rejected} reason {plan.RejectReason}");
        foreach (var (service, batch) in plan.Services)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"service {service} {batch.BatchId} [{string.Join("|", batch.Names)}]");
            foreach (var point in batch.Points)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {point.Name} {point.Kind} {point.TimeUnixNano} {point.Value:R} {point.Count}");
            }
        }

        return text.ToString();
    }

    public static string Of(SignalIngestPlan<ServiceLogBatch> plan)
    {
        var text = new StringBuilder().AppendLine(CultureInfo.InvariantCulture, $"accepted {plan.Accepted} rejected {plan.Rejected} cut {plan.Cut} reason {plan.RejectReason}");
        text.AppendLine(CultureInfo.InvariantCulture, $"error traces {string.Join(",", plan.ErrorTraces)}");
        foreach (var (service, batch) in plan.Services)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"service {service} {batch.BatchId}");
            foreach (var line in batch.Logs)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {line with { Attributes = null }}");
                foreach (var field in line.Attributes ?? [])
                {
                    text.AppendLine(CultureInfo.InvariantCulture, $"    {field}");
                }

                text.AppendLine(line.Attributes is null ? "    (no attributes)" : "    .");
            }
        }

        return text.ToString();
    }
}
