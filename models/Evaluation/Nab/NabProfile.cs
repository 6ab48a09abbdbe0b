using System.Text.Json;

namespace OtlpGrains.Models.Evaluation.Nab;

/// <summary>
/// One application profile of the benchmark (<c>config/profiles.json</c>): what a detected window earns, what a
/// missed one costs, and what a false alarm costs. True negatives weigh nothing in NAB, so they are not kept.
/// </summary>
public sealed record NabProfile(string Name, double TpWeight, double FpWeight, double FnWeight)
{
    /// <summary>The profiles of a <c>profiles.json</c>, in file order.</summary>
    public static IReadOnlyList<NabProfile> Load(string path)
    {
        using JsonDocument document = NabJson.Parse(path);
        var profiles = new List<NabProfile>();
        foreach (JsonProperty profile in document.RootElement.EnumerateObject())
        {
            if (!profile.Value.TryGetProperty("CostMatrix", out JsonElement costs))
            {
                throw new NabFormatException($"{path}: profile '{profile.Name}' has no CostMatrix");
            }

            profiles.Add(new NabProfile(
                profile.Name,
                Weight(path, profile.Name, costs, "tpWeight"),
                Weight(path, profile.Name, costs, "fpWeight"),
                Weight(path, profile.Name, costs, "fnWeight")));
        }

        return profiles.Count > 0 ? profiles : throw new NabFormatException($"{path}: no profiles");
    }

    private static double Weight(string path, string profile, JsonElement costs, string name) =>
        costs.TryGetProperty(name, out JsonElement weight) && weight.ValueKind == JsonValueKind.Number
            ? weight.GetDouble()
            : throw new NabFormatException($"{path}: profile '{profile}' has no numeric {name}");
}
