using System.Text.Json;

namespace OtlpGrains.Silo.Tests;

/// <summary>Reads <c>GET /api/v1/graph</c> answers.</summary>
internal static class GraphJson
{
    /// <summary>The edge from <paramref name="client"/> to <paramref name="server"/>, or null when the graph has none.</summary>
    public static JsonElement? Edge(JsonElement graph, string client, string server)
    {
        foreach (var edge in graph.GetProperty("edges").EnumerateArray())
        {
            if (edge.GetProperty("client").GetString() == client && edge.GetProperty("server").GetString() == server)
            {
                return edge;
            }
        }

        return null;
    }
}
