using Microsoft.ML;
using Microsoft.ML.Data;

namespace OtlpGrains.Models.Detection.MlNet;

/// <summary>One lag-embedded input of the PCA: a service's last windows, flattened, in scale units.</summary>
public sealed class PcaInput
{
    public float[] Features { get; set; } = [];

    /// <summary>The ML.NET schema of inputs of <paramref name="size"/> values (the vector size is fixed per model).</summary>
    public static SchemaDefinition Definition(int size)
    {
        var definition = SchemaDefinition.Create(typeof(PcaInput));
        definition[nameof(Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
        return definition;
    }
}
