using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Logs;

/// <summary>
/// A few recent records of each template, so that an operator gets from a template to a trace in one step. A record
/// with a trace id always enters (in place of the oldest); one without enters only in place of another without, so
/// the exemplars of a template keep their traces. Bodies are cut to <see cref="MaxBodyChars"/>. In memory only, like
/// the recent records: not in the checkpoint.
/// </summary>
public sealed class TemplateExemplars
{
    /// <summary>Exemplars kept per template.</summary>
    public const int PerTemplate = 3;

    /// <summary>Body characters kept per exemplar.</summary>
    public const int MaxBodyChars = 1024;

    private readonly Dictionary<int, List<LogLine>> _byTemplate = [];

    /// <summary>Offers each record (with its template id) as an exemplar.</summary>
    public void Add(ReadOnlySpan<LogLine> lines, ReadOnlySpan<int> templates)
    {
        for (int i = 0; i < lines.Length; i++)
        {
            if (!_byTemplate.TryGetValue(templates[i], out List<LogLine>? kept))
            {
                kept = new List<LogLine>(PerTemplate);
                _byTemplate.Add(templates[i], kept);
            }

            Offer(kept, lines[i]);
        }
    }

    /// <summary>The exemplars of template <paramref name="id"/>, newest first.</summary>
    public LogLine[] Of(int id)
    {
        if (!_byTemplate.TryGetValue(id, out List<LogLine>? kept))
        {
            return [];
        }

        LogLine[] newestFirst = [.. kept];
        Array.Reverse(newestFirst);
        return newestFirst;
    }

    // Oldest first in the list.
    private static void Offer(List<LogLine> kept, in LogLine line)
    {
        if (kept.Count == PerTemplate)
        {
            // The oldest that may give way: any for a record with a trace, else the oldest one without a trace.
            int replaced = line.HasTrace ? 0 : kept.FindIndex(k => !k.HasTrace);
            if (replaced < 0)
            {
                return;
            }

            kept.RemoveAt(replaced);
        }

        kept.Add(line.Body.Length > MaxBodyChars ? line with { Body = line.Body[..MaxBodyChars] } : line);
    }
}
