namespace OtlpGrains.Models.Services;

/// <summary>A service's log records in one window of event time, counted by severity and by template.</summary>
[GenerateSerializer, Alias("otlpgrains.LogWindow")]
internal sealed class LogWindow
{
    /// <summary>Distinct templates counted per window; records of further templates count under template 0 (other).</summary>
    public const int MaxTemplates = 256;

    /// <summary>Indexed as <see cref="LogSeverity.Names"/>.</summary>
    [Id(0)]
    public readonly long[] BySeverity = new long[LogSeverity.Names.Count];

    /// <summary>Records by template id.</summary>
    [Id(1)]
    public readonly Dictionary<int, long> ByTemplate = [];

    public void CountTemplate(int template)
    {
        int counted = ByTemplate.Count < MaxTemplates || ByTemplate.ContainsKey(template) ? template : 0;
        ByTemplate[counted] = ByTemplate.GetValueOrDefault(counted) + 1;
    }
}
