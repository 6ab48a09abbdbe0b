using System.Text.Json;

namespace OtlpGrains.Models.Evaluation.Nab;

/// <summary>
/// The anomaly windows of <c>labels/combined_windows.json</c>: for each data file (path relative to <c>data/</c>,
/// with forward slashes), its windows as (start, end) timestamps.
/// </summary>
public static class NabLabels
{
    public static IReadOnlyDictionary<string, IReadOnlyList<(DateTime Start, DateTime End)>> Load(string path)
    {
        using JsonDocument document = NabJson.Parse(path);
        var labels = new SortedDictionary<string, IReadOnlyList<(DateTime, DateTime)>>(StringComparer.Ordinal);
        foreach (JsonProperty file in document.RootElement.EnumerateObject())
        {
            var windows = new List<(DateTime, DateTime)>();
            foreach (JsonElement window in file.Value.EnumerateArray())
            {
                if (window.ValueKind != JsonValueKind.Array || window.GetArrayLength() != 2)
                {
                    throw new NabFormatException($"{path}: a window of '{file.Name}' is not a [start, end] pair");
                }

                string where = $"{path}: window of '{file.Name}'";
                windows.Add((
                    NabCsvTable.ParseTimestamp(window[0].GetString() ?? "", where),
                    NabCsvTable.ParseTimestamp(window[1].GetString() ?? "", where)));
            }

            labels.Add(file.Name, windows);
        }

        return labels;
    }
}
