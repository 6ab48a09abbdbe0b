using Microsoft.AspNetCore.Http;
using OtlpGrains.Gateway.Security;
using Xunit;

namespace OtlpGrains.Gateway.Tests.Federation;

public sealed class FederationAccessTests
{
    [Theory]
    [InlineData("/otlpgrains.federation.v1.Federation/GetSummary", "grpc", "read")]
    [InlineData("/otlpgrains.federation.v1.Federation/GetTrace", "grpc", "read")]
    [InlineData("/opentelemetry.proto.collector.trace.v1.TraceService/Export", "grpc", "ingest")]
    [InlineData("/otlpgrains.federation.v1.FederationX/GetSummary", "grpc", "ingest")]
    [InlineData("/otlpgrains.federation.v1.Federation/GetSummary", "http", "ingest")]
    public void PeersNeedTheReadRoleOnTheOtlpGrpcPortAndExportsStillNeedIngest(string path, string port, string role)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Post;
        context.Request.Path = path;

        var family = port == "grpc" ? EndpointFamily.OtlpGrpc : EndpointFamily.OtlpHttp;
        Assert.Equal(role, AccessRoleNames.Name(EndpointAccess.Required(context, family)));
    }
}
