using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace OtlpGrains.Silo.Tests.Security;

/// <summary>
/// What the OTel .NET OTLP exporter reports about its exports (its EventSource), as one line per event: the answer
/// the SDK itself saw, not one a test client decoded.
/// </summary>
internal sealed class ExporterEvents : EventListener
{
    private const string SourceName = "OpenTelemetry-Exporter-OpenTelemetryProtocol";
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == SourceName)
        {
            EnableEvents(eventSource, EventLevel.Verbose);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventSource.Name == SourceName)
        {
            _lines.Enqueue($"{eventData.EventName}: {string.Join(" | ", eventData.Payload ?? [])}");
        }
    }
}
