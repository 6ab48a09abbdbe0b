using System.Text.Json;

namespace OtlpGrains.Models.Evaluation.Nab;

/// <summary>Opens the benchmark's JSON files with one-line errors instead of parser stack traces.</summary>
internal static class NabJson
{
    public static JsonDocument Parse(string path)
    {
        if (!File.Exists(path))
        {
            throw new NabFormatException($"{path}: file not found");
        }

        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new NabFormatException($"{path}: not valid JSON ({e.Message})", e);
        }
    }
}
