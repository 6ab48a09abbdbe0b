using OtlpGrains.Agent.Processes;
using Xunit;

namespace OtlpGrains.Agent.Tests;

public sealed class ProcessIdentityTests
{
    [Fact]
    public void ContainerAndPodComeFromTheCgroupPath()
    {
        const string Cgroup = "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod8a3b1c2d_4e5f_4a6b_9c7d_0e1f2a3b4c5d.slice/"
            + "cri-containerd-4f6b2a1c9d8e7f605a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f.scope";
        var (container, pod) = ProcessIdentity.ParseCgroup(Cgroup);
        Assert.Equal("4f6b2a1c9d8e7f605a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f", container);
        Assert.Equal("8a3b1c2d-4e5f-4a6b-9c7d-0e1f2a3b4c5d", pod);
        Assert.Equal((null, null), ProcessIdentity.ParseCgroup("0::/user.slice/user-0.slice/session-3.scope"));
    }

    [Fact]
    public void ServiceNameFollowsTheOpenTelemetryVariables()
    {
        Assert.Equal("checkout", ProcessIdentity.ServiceNameFrom(new Dictionary<string, string> { ["OTEL_SERVICE_NAME"] = "checkout" }));
        Assert.Equal("cart", ProcessIdentity.ServiceNameFrom(new Dictionary<string, string> { ["OTEL_RESOURCE_ATTRIBUTES"] = "deployment.environment=prod, service.name=cart" }));
        Assert.Null(ProcessIdentity.ServiceNameFrom(new Dictionary<string, string> { ["PATH"] = "/usr/bin" }));
    }

    [Fact]
    public void ReadsThisProcess()
    {
        var self = ProcessIdentity.Read(Environment.ProcessId);
        Assert.NotNull(self);
        Assert.Equal(Environment.ProcessId, self.Pid);
        Assert.False(string.IsNullOrEmpty(self.ServiceName));
        Assert.Contains("dotnet", self.CommandLine, StringComparison.Ordinal);
        Assert.Null(ProcessIdentity.Read(int.MaxValue));
    }

    [Theory]
    [InlineData("postgres: postgres shop 127.0.0.1(40112) idle", "postgres")]
    [InlineData("nginx: worker process", "nginx")]
    [InlineData("/usr/bin/redis-server 127.0.0.1:6379", "redis-server")]
    [InlineData(":", "comm-name")]
    public void RewrittenTitlesKeepTheProgramName(string title, string expected)
    {
        var root = Directory.CreateTempSubdirectory("otlpgrains-proc-").FullName;
        try
        {
            var dir = Directory.CreateDirectory(Path.Combine(root, "4242")).FullName;
            File.WriteAllText(Path.Combine(dir, "cmdline"), title + "\0");
            File.WriteAllText(Path.Combine(dir, "comm"), "comm-name\n");
            File.WriteAllText(Path.Combine(dir, "environ"), string.Empty);

            var process = ProcessIdentity.Read(4242, root);

            Assert.Equal(expected, process?.ServiceName);
            Assert.Equal(title, process?.CommandLine);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
