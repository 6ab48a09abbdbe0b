using OtlpGrains.Models.Detection.Torch;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace OtlpGrains.Models.Tests.Torch;

public sealed class TorchRuntimeTests
{
    [Fact]
    public void LoadsLibTorchAndRunsAForwardPass()
    {
        Assert.True(TorchRuntime.LoadFailure is null, TorchRuntime.LoadFailure);
        using var scope = NewDisposeScope();
        var layer = nn.Linear(3, 2);
        using (no_grad())
        {
            layer.weight!.copy_(tensor(new float[] { 1, 2, 3, -1, 0, 1 }).reshape(2, 3));
            layer.bias!.copy_(tensor(new float[] { 0.5f, -0.5f }));
        }

        float[] output = layer.forward(tensor(new float[] { 1, 1, 2 }).reshape(1, 3)).data<float>().ToArray();

        Assert.Equal([9.5f, 0.5f], output);
    }
}
