using Xunit;

namespace OtlpGrains.Deploy.Tests;

/// <summary>Each overlay renders with kubectl kustomize, and every object it renders is valid offline.</summary>
public sealed class RenderAndValidateTests
{
    [Theory]
    [InlineData("dev")]
    [InlineData("production")]
    [InlineData("federated-eu")]
    [InlineData("federated-us")]
    public void EveryRenderedObjectIsValid(string overlay)
    {
        var objects = Kustomize.Render(RepositoryPaths.Overlay(overlay));

        Assert.Empty(ManifestValidator.Problems(objects));
        string[] expected = ["ConfigMap", "ServiceAccount", "Role", "RoleBinding", "Deployment", "DaemonSet", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler", "NetworkPolicy", "ServiceMonitor"];
        Assert.Empty(expected.Except(objects.Select(o => o.Kind)));
    }

    [Fact]
    public void DevBundlesPostgresAndProductionDoesNot()
    {
        Assert.Contains(Kustomize.Render(RepositoryPaths.Overlay("dev")), o => o.Kind == "StatefulSet" && o.Name == "otlpgrains-postgres");
        var production = Kustomize.Render(RepositoryPaths.Overlay("production"));
        Assert.DoesNotContain(production, o => o.Kind is "StatefulSet" or "Secret");
    }

    [Fact]
    public void BrokenManifestFailsValidation()
    {
        var objects = Kustomize.Render(Path.Combine(AppContext.BaseDirectory, "Broken"));

        Assert.Equal(4, objects.Count);
        Assert.All(objects, o => Assert.NotEmpty(ManifestValidator.Problems(o)));
        var problems = string.Join('\n', ManifestValidator.Problems(objects));
        Assert.Contains("Deployment/misspelt", problems, StringComparison.Ordinal);
        Assert.Contains("contianers", problems, StringComparison.Ordinal);
        Assert.Contains("Deployment/no-image: /spec/template/spec/containers/0: Required properties [\"image\"] are not present", problems, StringComparison.Ordinal);
        Assert.Contains("Deployment/no-image: /spec/template/spec/containers/0/ports/0/containerPort", problems, StringComparison.Ordinal);
        Assert.Contains("Service/quoted-port: /spec/ports/0/port", problems, StringComparison.Ordinal);
        Assert.Contains("ServiceMonitor/wrong-field: /spec/endpoints/0", problems, StringComparison.Ordinal);
    }
}
