namespace OtlpGrains.Silo;

/// <summary>Where grain state lives. Section <c>OtlpGrains:Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "OtlpGrains:Storage";

    /// <summary>
    /// The storage provider: <c>memory</c> keeps all state in the silo's memory (lost when it stops; for a
    /// single node and tests). Default: memory.
    /// </summary>
    public string Provider { get; set; } = "memory";
}
