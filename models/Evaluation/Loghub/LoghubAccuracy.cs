namespace OtlpGrains.Models.Evaluation.Loghub;

/// <summary>The benchmark's two accuracies of a parse of one system.</summary>
public static class LoghubAccuracy
{
    /// <summary>
    /// Grouping accuracy: the share of messages whose predicted group holds exactly the messages of their true group
    /// (the messages with the same ground-truth template).
    /// </summary>
    public static double Grouping(IReadOnlyList<int> predictedGroups, IReadOnlyList<string> truthTemplates)
    {
        Check(predictedGroups.Count, truthTemplates.Count);
        var truthSizes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string truth in truthTemplates)
        {
            string key = NormalizeWhitespace(truth);
            truthSizes[key] = truthSizes.GetValueOrDefault(key) + 1;
        }

        // Per predicted group: its size, and its one true template (null once two differ).
        var groups = new Dictionary<int, (int Size, string? Truth, bool Mixed)>();
        for (int i = 0; i < predictedGroups.Count; i++)
        {
            string truth = NormalizeWhitespace(truthTemplates[i]);
            if (groups.TryGetValue(predictedGroups[i], out var group))
            {
                groups[predictedGroups[i]] = (group.Size + 1, group.Truth, group.Mixed || group.Truth != truth);
            }
            else
            {
                groups[predictedGroups[i]] = (1, truth, false);
            }
        }

        int correct = 0;
        foreach (var (size, truth, mixed) in groups.Values)
        {
            if (!mixed && truthSizes[truth!] == size)
            {
                correct += size;
            }
        }

        return predictedGroups.Count == 0 ? 0 : (double)correct / predictedGroups.Count;
    }

    /// <summary>
    /// Parsing accuracy: the share of messages whose predicted template equals the ground truth once runs of
    /// whitespace are one space and the ends are trimmed.
    /// </summary>
    public static double Parsing(IReadOnlyList<string> predictedTemplates, IReadOnlyList<string> truthTemplates)
    {
        Check(predictedTemplates.Count, truthTemplates.Count);
        int correct = 0;
        for (int i = 0; i < predictedTemplates.Count; i++)
        {
            correct += NormalizeWhitespace(predictedTemplates[i]) == NormalizeWhitespace(truthTemplates[i]) ? 1 : 0;
        }

        return predictedTemplates.Count == 0 ? 0 : (double)correct / predictedTemplates.Count;
    }

    public static string NormalizeWhitespace(string text) =>
        string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static void Check(int predicted, int truth)
    {
        if (predicted != truth)
        {
            throw new ArgumentException($"{predicted} predictions for {truth} messages");
        }
    }
}
