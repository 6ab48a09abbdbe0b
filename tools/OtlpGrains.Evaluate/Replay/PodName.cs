using System.Text.RegularExpressions;

namespace OtlpGrains.Evaluate.Replay;

/// <summary>
/// The service of a Kubernetes pod: a Deployment's pod is named <c>&lt;deployment&gt;-&lt;pod-template hash&gt;-&lt;5
/// characters&gt;</c> (<c>ts-travel-service-64469b5b48-25zj6</c>), and the deployment is the service. Any other name
/// is kept whole, since guessing at a shorter suffix would merge distinct services.
/// </summary>
internal static partial class PodName
{
    public static string ServiceOf(string pod)
    {
        Match match = DeploymentPod().Match(pod);
        return match.Success ? match.Groups[1].Value : pod;
    }

    // The hash is 6 to 10 lower-case alphanumerics (Kubernetes' safe alphabet), the replica suffix exactly 5.
    [GeneratedRegex("^(.+)-[a-z0-9]{6,10}-[a-z0-9]{5}$", RegexOptions.CultureInvariant)]
    private static partial Regex DeploymentPod();
}
