using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit;

namespace OtlpGrains.Deploy.Tests;

/// <summary>
/// The manifests run the images that <c>deploy/images/build.sh</c> makes: the same names and default tag (so a trial
/// cluster finds images loaded by hand, and a tag other than <c>latest</c> keeps the pull policy at IfNotPresent), the
/// user each Containerfile declares, and the ports it exposes.
/// </summary>
public sealed partial class ImageTests
{
    public static TheoryData<string, string, string> Images => new()
    {
        { "Deployment", "otlpgrains-silo", "silo" },
        { "Deployment", "otlpgrains-gateway", "gateway" },
        { "DaemonSet", "otlpgrains-agent", "agent" },
    };

    [Theory]
    [MemberData(nameof(Images))]
    public void DevRunsTheImageBuildShTagsByDefault(string kind, string workload, string image)
    {
        var pod = new RenderedPod(Kustomize.Render(RepositoryPaths.Overlay("dev")), kind, workload);
        string script = File.ReadAllText(Path.Combine(ImagesFolder, "build.sh"));
        string tag = DefaultTag().Match(script) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("build.sh sets no default tag");

        Assert.Contains($"localhost/otlpgrains-$name:$tag", script, StringComparison.Ordinal);
        Assert.Equal($"localhost/otlpgrains-{image}:{tag}", (string?)pod.Container["image"]);
        Assert.NotEqual("latest", tag);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void PodsRunAsTheContainerfilesUser(string kind, string workload, string image)
    {
        foreach (string overlay in new[] { "dev", "production" })
        {
            var pod = new RenderedPod(Kustomize.Render(RepositoryPaths.Overlay(overlay)), kind, workload, operatorSecrets: overlay == "production");
            string containerfile = File.ReadAllText(Path.Combine(ImagesFolder, $"{image}.Containerfile"));
            var user = UserLine().Match(containerfile);
            Assert.True(user.Success, $"{image}.Containerfile has no numeric USER line");
            int uid = int.Parse(user.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

            // The container's securityContext wins over the pod's, as in the kubelet.
            var podContext = pod.Workload.Json["spec"]!["template"]!["spec"]!["securityContext"];
            var context = pod.Container["securityContext"];
            int? runAs = (int?)context?["runAsUser"] ?? (int?)podContext?["runAsUser"];
            Assert.Equal(uid, runAs);
            bool nonRoot = (bool?)context?["runAsNonRoot"] ?? (bool?)podContext?["runAsNonRoot"] ?? false;
            Assert.Equal(uid != 0, nonRoot);

            // Every port the pod names is one the image exposes (the agent exposes none and names none).
            var exposed = ExposeLine().Matches(containerfile).SelectMany(x => x.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(int.Parse).ToHashSet();
            Assert.All((pod.Container["ports"] as JsonArray ?? []).Select(p => (int)p!["containerPort"]!), port => Assert.Contains(port, exposed));
        }
    }

    private static string ImagesFolder => Path.Combine(RepositoryPaths.Root, "deploy", "images");

    [GeneratedRegex(@"^tag=([^\s]+)$", RegexOptions.Multiline)]
    private static partial Regex DefaultTag();

    [GeneratedRegex(@"^USER (\d+)(?::\d+)?\s*$", RegexOptions.Multiline)]
    private static partial Regex UserLine();

    [GeneratedRegex(@"^EXPOSE ([\d ]+)$", RegexOptions.Multiline)]
    private static partial Regex ExposeLine();
}
