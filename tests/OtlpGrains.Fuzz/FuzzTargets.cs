namespace OtlpGrains.Fuzz;

/// <summary>Every fuzz target, by name.</summary>
public static class FuzzTargets
{
    public static IReadOnlyList<FuzzTarget> All { get; } = [.. GatewayTargets.All(), .. ProtocolTargets.All()];

    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
