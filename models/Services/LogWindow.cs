namespace OtlpGrains.Models.Services;

/// <summary>
/// A service's log records in one window of event time, counted by severity, by template, and by transition (template
/// A then template B in the same span, and spans per template, <see cref="Logs.TemplateTransition"/>).
/// </summary>
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

    /// <summary>Distinct transitions counted per window; further ones are dropped (their lines still count by template).</summary>
    public const int MaxTransitions = 256;

    /// <summary>Transitions by packed key.</summary>
    [Id(2)]
    public readonly Dictionary<long, long> ByTransition = [];

    /// <summary>Counts a transition or start key; -1 counts nothing.</summary>
    public void CountTransition(long key)
    {
        if (key != -1 && (ByTransition.Count < MaxTransitions || ByTransition.ContainsKey(key)))
        {
            ByTransition[key] = ByTransition.GetValueOrDefault(key) + 1;
        }
    }

    public void CountTemplate(int template)
    {
        int counted = ByTemplate.Count < MaxTemplates || ByTemplate.ContainsKey(template) ? template : 0;
        ByTemplate[counted] = ByTemplate.GetValueOrDefault(counted) + 1;
    }
}
