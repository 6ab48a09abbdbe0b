using Xunit;

namespace OtlpGrains.Deploy.Tests;

/// <summary>The kubelet's <c>$(NAME)</c> expansion of env values, which PodEnv applies.</summary>
public sealed class DependentValuesTests
{
    private static readonly Dictionary<string, string> Known = new(StringComparer.Ordinal) { ["IP"] = "10.0.0.5", ["PORT"] = "11111" };

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("$(IP):$(PORT)", "10.0.0.5:11111")]
    [InlineData("$(MISSING)", "$(MISSING)")]
    [InlineData("$$(IP)", "$(IP)")]
    [InlineData("cost $5", "cost $5")]
    [InlineData("ends with $", "ends with $")]
    [InlineData("$(IP", "$(IP")]
    [InlineData("$()", "$()")]
    [InlineData("$$$(IP)", "$10.0.0.5")]
    public void ExpandsAsTheKubeletDoes(string value, string expected)
    {
        Assert.Equal(expected, DependentValues.Expand(value, Known));
    }
}
