using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace OtlpGrains.Agent.Tests;

/// <summary>
/// Two emulated nodes on this machine: network namespaces node-a and node-b (with a per-run suffix, so parallel runs
/// and leftovers do not collide) joined by a veth pair, 10.217.N.1 in node-a and 10.217.N.2 in node-b. node-a holds
/// kube-proxy-like rules in its nat table (OUTPUT and PREROUTING jump to KUBE-SERVICES, then KUBE-SVC-*, then a
/// KUBE-SEP-* DNAT), so a client there reaches a server in node-b through the virtual IP 10.96.N.10. The agents and
/// the silo stay in the root namespace: they follow the nodes' processes through BPF and conntrack, and never talk
/// to them, so no route to the root namespace is needed. Everything is removed on dispose.
/// </summary>
internal sealed class TwoNodeNetwork : IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(20);
    private static readonly string[] Tools = ["ip", "iptables"];
    private static readonly string[] Directories = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];

    private TwoNodeNetwork(string suffix, int subnet)
    {
        NodeA = $"node-a-{suffix}";
        NodeB = $"node-b-{suffix}";
        AddressA = IPAddress.Parse($"10.217.{subnet}.1");
        AddressB = IPAddress.Parse($"10.217.{subnet}.2");
        VirtualIp = IPAddress.Parse($"10.96.{subnet}.10");
    }

    public string NodeA { get; }

    public string NodeB { get; }

    /// <summary>The namespace files the agents follow (<c>--netns</c>).</summary>
    public string PathA => $"/var/run/netns/{NodeA}";

    public string PathB => $"/var/run/netns/{NodeB}";

    public IPAddress AddressA { get; }

    public IPAddress AddressB { get; }

    /// <summary>The Service's virtual IP, translated in node-a only.</summary>
    public IPAddress VirtualIp { get; }

    /// <summary>Why the emulation cannot run here (not root, no <c>ip</c> or <c>iptables</c>), or null.</summary>
    public static string? Unavailable()
    {
        if (Environment.UserName != "root")
        {
            return "the two-node emulation needs root (network namespaces, iptables)";
        }

        foreach (var tool in Tools)
        {
            if (!Directories.Any(d => File.Exists(Path.Combine(d, tool))))
            {
                return $"the two-node emulation needs {tool} (Debian iproute2 and iptables; bash tests/run.sh installs them)";
            }
        }

        return null;
    }

    /// <summary>Creates the namespaces, the link and the Service that sends <c>VirtualIp:servicePort</c> to node-b's <paramref name="targetPort"/>.</summary>
    public static TwoNodeNetwork Create(int servicePort, int targetPort)
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var network = new TwoNodeNetwork(suffix, Random.Shared.Next(1, 250));
        try
        {
            network.Build(suffix, servicePort, targetPort);
        }
        catch
        {
            network.Dispose();
            throw;
        }

        return network;
    }

    /// <summary>Runs a command in node-a or node-b (<c>ip netns exec</c>): the arguments for a started process.</summary>
    public static string[] In(string node, params string[] command) => ["netns", "exec", node, .. command];

    public void Dispose()
    {
        // Deleting a namespace removes its veth end (and the peer with it) and its nat rules.
        TryRun("ip", "netns", "del", NodeA);
        TryRun("ip", "netns", "del", NodeB);
    }

    /// <summary>Runs a command to its end (bounded) and returns its standard output; throws with its error output when it fails.</summary>
    public static string Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(CommandTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish in {CommandTimeout.TotalSeconds:F0} s");
        }

        return process.ExitCode == 0
            ? output.Result
            : throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error.Result.Trim()}");
    }

    private void Build(string suffix, int servicePort, int targetPort)
    {
        string vethA = $"va{suffix}", vethB = $"vb{suffix}";
        Run("ip", "netns", "add", NodeA);
        Run("ip", "netns", "add", NodeB);
        Run("ip", "link", "add", vethA, "type", "veth", "peer", "name", vethB);
        Run("ip", "link", "set", vethA, "netns", NodeA);
        Run("ip", "link", "set", vethB, "netns", NodeB);
        Run("ip", "-n", NodeA, "addr", "add", $"{AddressA}/24", "dev", vethA);
        Run("ip", "-n", NodeB, "addr", "add", $"{AddressB}/24", "dev", vethB);
        foreach (var (node, veth) in new[] { (NodeA, vethA), (NodeB, vethB) })
        {
            Run("ip", "-n", node, "link", "set", "lo", "up");
            Run("ip", "-n", node, "link", "set", veth, "up");
        }

        // The virtual IP needs a route before DNAT rewrites it, as a pod's default route gives it in a cluster.
        Run("ip", "-n", NodeA, "route", "add", "default", "via", AddressB.ToString());

        string service = $"KUBE-SVC-{suffix.ToUpperInvariant()}", endpoint = $"KUBE-SEP-{suffix.ToUpperInvariant()}";
        foreach (var chain in new[] { "KUBE-SERVICES", service, endpoint })
        {
            Nat("-N", chain);
        }

        Nat("-A", "OUTPUT", "-j", "KUBE-SERVICES");
        Nat("-A", "PREROUTING", "-j", "KUBE-SERVICES");
        Nat("-A", "KUBE-SERVICES", "-d", $"{VirtualIp}/32", "-p", "tcp", "--dport", servicePort.ToString(CultureInfo.InvariantCulture), "-j", service);
        Nat("-A", service, "-j", endpoint);
        Nat("-A", endpoint, "-p", "tcp", "-j", "DNAT", "--to-destination", $"{AddressB}:{targetPort}");
    }

    private void Nat(params string[] rule) => Run("ip", In(NodeA, ["iptables", "-t", "nat", .. rule]));

    private static void TryRun(string file, params string[] arguments)
    {
        try
        {
            Run(file, arguments);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            // already gone
        }
    }
}
