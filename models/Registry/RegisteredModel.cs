using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Registry;

/// <summary>
/// Stored state of one model name: its schema, its versions (number N at index N-1), the production versions it
/// can roll back to, and its audit trail. <see cref="ModelRegistry"/> enforces the rules that change it.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.RegisteredModel")]
public sealed class RegisteredModel
{
    public RegisteredModel(string name, FeatureSchema schema)
    {
        Name = name;
        Schema = schema;
    }

    [Id(0)]
    public string Name { get; private set; }

    /// <summary>Set by the first version; every later version must carry the same.</summary>
    [Id(1)]
    public FeatureSchema Schema { get; private set; }

    [Id(2)]
    internal List<ModelVersion> VersionList { get; private set; } = [];

    /// <summary>Earlier production versions, most recent last: where rollback goes. Never holds a version twice.</summary>
    [Id(3)]
    internal List<int> PreviousProductionList { get; private set; } = [];

    [Id(4)]
    public AuditTrail Audit { get; private set; } = new();

    public IReadOnlyList<ModelVersion> Versions => VersionList;

    public IReadOnlyList<int> PreviousProduction => PreviousProductionList;

    public ModelVersion? Production => VersionList.Find(v => v.Stage == ModelStage.Production);

    public ModelVersion? Shadow => VersionList.Find(v => v.Stage == ModelStage.Shadow);

    public ModelVersion? Find(int number) => number >= 1 && number <= VersionList.Count ? VersionList[number - 1] : null;
}
