using System.Net;

namespace OtlpGrains.Silo;

/// <summary>
/// Whether the silo uses <c>Microsoft.Orleans.Hosting.Kubernetes</c>: only inside a pod, so the same binary runs on a
/// laptop. The kubelet sets <c>KUBERNETES_SERVICE_HOST</c> in every container; nothing else does. The package watches a
/// cluster of silos, so a pod with memory storage (one silo on localhost clustering) leaves it off too.
/// </summary>
public sealed record KubernetesHosting(bool InPod, bool On, string? PodName, string? PodNamespace, string? PodIp)
{
    public const string ServiceHostVariable = "KUBERNETES_SERVICE_HOST";
    public const string PodNameVariable = "POD_NAME";
    public const string PodNamespaceVariable = "POD_NAMESPACE";
    public const string PodIpVariable = "POD_IP";

    /// <summary>Decides from the process's configuration, which holds its environment variables.</summary>
    public static KubernetesHosting Decide(IConfiguration configuration, StorageOptions storage)
    {
        bool inPod = !string.IsNullOrWhiteSpace(configuration[ServiceHostVariable]);
        return new KubernetesHosting(
            inPod,
            inPod && storage.IsPostgres,
            configuration[PodNameVariable],
            configuration[PodNamespaceVariable],
            configuration[PodIpVariable]);
    }

    /// <summary>
    /// With hosting on, the one-line reason the pod spec cannot work: the package needs the pod's name, namespace and IP
    /// from the downward API. Null when nothing is missing.
    /// </summary>
    public string? Problem()
    {
        if (!On)
        {
            return null;
        }

        string[] missing = [.. new[] { (PodNameVariable, PodName), (PodNamespaceVariable, PodNamespace), (PodIpVariable, PodIp) }
            .Where(v => string.IsNullOrWhiteSpace(v.Item2)).Select(v => v.Item1)];
        if (missing.Length > 0)
        {
            return $"Kubernetes hosting needs {string.Join(", ", missing)} from the downward API (fieldRef metadata.name, metadata.namespace, status.podIP) in the silo's pod spec";
        }

        return IPAddress.TryParse(PodIp, out _) ? null : $"{PodIpVariable} '{PodIp}' is not an IP address";
    }

    /// <summary>The one start-up line that says which way the silo is hosted.</summary>
    public string Describe() => (On, InPod) switch
    {
        (true, _) => $"Kubernetes hosting on: pod {PodNamespace}/{PodName} at {PodIp} names and addresses the silo; silos whose pods are gone are declared dead",
        (false, true) => "Kubernetes hosting off: in a pod, but memory storage runs one silo on its own (OtlpGrains__Storage__Provider=postgres makes a cluster)",
        _ => $"Kubernetes hosting off: not in a pod ({ServiceHostVariable} is not set)",
    };
}
