namespace OtlpGrains.Models.Services;

/// <summary>The signals a service keeps event-time windows of, as the store of sealed windows names them.</summary>
public enum WindowedSignal : short
{
    Spans = 0,
    Edges = 1,
    Metrics = 2,
    Logs = 3,
}
