using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>What the SQL peer tests' four statements (one of them failing) must show in the query API.</summary>
internal static class SqlPeerAssertions
{
    /// <summary>The server's four operations with one failure, and the client -> server edge with 4 calls and 1 error.</summary>
    public static async Task ServiceAndEdgeAsync(LocalSilo silo, string server, string client)
    {
        var detail = await silo.EventuallyAsync(
            $"/api/v1/services/{server}",
            d => LocalSilo.Operation(d, "SELECT missing_table") is not null && LocalSilo.Operation(d, "CREATE TABLE items") is not null,
            allowNotFound: true);
        Assert.Equal((1, 0), LocalSilo.Counts(LocalSilo.Operation(detail, "CREATE TABLE items")));
        Assert.Equal((1, 0), LocalSilo.Counts(LocalSilo.Operation(detail, "INSERT items")));
        Assert.Equal((1, 0), LocalSilo.Counts(LocalSilo.Operation(detail, "SELECT items")));
        Assert.Equal((1, 1), LocalSilo.Counts(LocalSilo.Operation(detail, "SELECT missing_table")));
        Assert.Equal(4, detail.GetProperty("operations").GetArrayLength());

        var graph = await silo.EventuallyAsync("/api/v1/graph", g => LocalSilo.Edge(g, client, server)?.GetProperty("calls").GetInt64() == 4);
        Assert.Equal(4, LocalSilo.Edge(graph, client, server)?.GetProperty("calls").GetInt64());
        Assert.Equal(1, LocalSilo.Edge(graph, client, server)?.GetProperty("errors").GetInt64());
    }
}
