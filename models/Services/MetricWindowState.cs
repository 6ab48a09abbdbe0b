using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Services;

/// <summary>The data points of one metric in one window, reduced to count, sum, min, max and last.</summary>
[GenerateSerializer, Alias("otlpgrains.MetricWindowState")]
internal sealed class MetricWindowState
{
    [Id(0)]
    public long Points;

    [Id(1)]
    public long Count;

    [Id(2)]
    public double Sum;

    [Id(3)]
    public double Min;

    [Id(4)]
    public double Max;

    [Id(5)]
    public double Last;

    [Id(6)]
    public long LastTimeUnixNano;

    public void Add(in MetricPoint point)
    {
        if (Points == 0)
        {
            Min = point.Value;
            Max = point.Value;
            Last = point.Value;
            LastTimeUnixNano = point.TimeUnixNano;
        }
        else
        {
            Min = Math.Min(Min, point.Value);
            Max = Math.Max(Max, point.Value);

            // Ties go to the later arrival: within one timestamp the newest report is the best guess.
            if (point.TimeUnixNano >= LastTimeUnixNano)
            {
                Last = point.Value;
                LastTimeUnixNano = point.TimeUnixNano;
            }
        }

        Points++;
        Count += point.Count;
        Sum += point.Value;
    }

    public MetricWindow ToWindow(DateTimeOffset start, DateTimeOffset end) =>
        new(start, end, Points, Count, Sum, Min, Max, Last);
}
