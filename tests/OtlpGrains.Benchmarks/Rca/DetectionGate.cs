using OtlpGrains.Interfaces;

namespace OtlpGrains.Benchmarks.Rca;

/// <summary>
/// Holds back the anomaly events the silo's own detectors send the incident directory (through the relay grains), so
/// that the benchmark's incident is made of the generator's ten events alone and is the same on every run. The
/// detectors still score every window; the relay's hand-over reaches the directory empty (a filter must let the
/// call through), and the events are counted.
/// </summary>
internal sealed class DetectionGate : IOutgoingGrainCallFilter
{
    private int _held;

    public int Held => _held;

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        if (context.SourceId is { } source && source.Type.ToString() == "anomalyrelay" && context.MethodName == "AddAnomaliesAsync")
        {
            Interlocked.Add(ref _held, ((Array)context.Request.GetArgument(0)!).Length);
            context.Request.SetArgument(0, Array.Empty<AnomalyEvent>());
        }

        return context.Invoke();
    }
}
