using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Logs;

/// <summary>
/// A service's log templates: the miner that gives each record its template, and what is known of each template
/// (first and last seen in event time, records, the most severe of them). Part of the grain's checkpoint, so a
/// template keeps its id across activations, silos and durable restarts. Bounded by the miner's bounds.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.logs.TemplateCatalog")]
public sealed class TemplateCatalog
{
    [Id(0)] private readonly LogTemplateMiner _miner;

    // Indexed by template id; index 0 is the miner's `other` template.
    [Id(1)] private readonly List<TemplateSeen> _seen = [new()];

    public TemplateCatalog(LogMinerOptions options) => _miner = new LogTemplateMiner(options);

    /// <summary>Templates known, <c>other</c> included.</summary>
    public int Count => _seen.Count;

    /// <summary>Gives each of <paramref name="lines"/> its template id (in <paramref name="ids"/>), learning them.</summary>
    public void Learn(ReadOnlySpan<LogLine> lines, Span<int> ids)
    {
        for (int i = 0; i < lines.Length; i++)
        {
            ref readonly LogLine line = ref lines[i];
            int id = _miner.Match(line.Body);
            while (_seen.Count <= id)
            {
                _seen.Add(new TemplateSeen());
            }

            _seen[id].Add(line.TimeUnixNano, line.SeverityNumber);
            ids[i] = id;
        }
    }

    /// <summary>What is known of template <paramref name="id"/>.</summary>
    public TemplateInfo Info(int id)
    {
        TemplateSeen seen = _seen[id];
        return new TemplateInfo(id, _miner.Template(id), seen.FirstUnixNano, seen.LastUnixNano, seen.MaxSeverity, seen.Records);
    }
}

/// <summary>A template's record count, first and last event time, and its most severe record's OTLP severity.</summary>
[GenerateSerializer, Alias("otlpgrains.logs.TemplateSeen")]
public sealed class TemplateSeen
{
    [Id(0)] public long FirstUnixNano { get; private set; } = long.MaxValue;

    [Id(1)] public long LastUnixNano { get; private set; } = long.MinValue;

    [Id(2)] public byte MaxSeverity { get; private set; }

    [Id(3)] public long Records { get; private set; }

    public void Add(long timeUnixNano, byte severity)
    {
        FirstUnixNano = Math.Min(FirstUnixNano, timeUnixNano);
        LastUnixNano = Math.Max(LastUnixNano, timeUnixNano);
        MaxSeverity = Math.Max(MaxSeverity, severity);
        Records++;
    }
}

/// <summary>A template as the API and the detection see it.</summary>
public sealed record TemplateInfo(int Id, string Text, long FirstSeenUnixNano, long LastSeenUnixNano, byte MaxSeverity, long Records);
