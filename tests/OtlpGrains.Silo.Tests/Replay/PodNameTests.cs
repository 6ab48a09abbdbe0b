using OtlpGrains.Evaluate.Replay;
using Xunit;

namespace OtlpGrains.Silo.Tests.Replay;

public sealed class PodNameTests
{
    [Theory]
    [InlineData("ts-travel-service-64469b5b48-25zj6", "ts-travel-service")]
    [InlineData("ts-gateway-service-6f6cfc45b-h5m2n", "ts-gateway-service")]
    [InlineData("ts-consign-price-service-df498d7fb-725nt", "ts-consign-price-service")]
    [InlineData("ts-travel2-service-5d5b8f7d9c-qwxyz", "ts-travel2-service")]
    [InlineData("redis-0", "redis-0")]
    [InlineData("ts-route", "ts-route")]
    [InlineData("Frontend", "Frontend")]
    public void DeploymentPodsLoseTheirReplicaSuffix(string pod, string service) =>
        Assert.Equal(service, PodName.ServiceOf(pod));
}
