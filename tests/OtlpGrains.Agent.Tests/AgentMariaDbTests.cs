using OpenTelemetry.Proto.Trace.V1;
using Xunit;
using Xunit.Abstractions;

namespace OtlpGrains.Agent.Tests;

/// <summary>
/// A throwaway MariaDB 10.11 server and the unmodified <c>mariadb</c> client on loopback (TCP, no TLS): the agent turns
/// COM_QUERY exchanges into CLIENT spans in the client and SERVER spans in <c>mariadbd</c>, a failed statement included.
/// </summary>
public sealed class AgentMariaDbTests(MariaDbFixture mariadb, ITestOutputHelper output) : IClassFixture<MariaDbFixture>
{
    private static readonly string[] Statements =
    [
        "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20))",
        "INSERT INTO items VALUES (1, 'apple'), (2, 'pear')",
        "SELECT name FROM items WHERE id = 1",
        "SELECT * FROM missing_table",
    ];

    // db.query.text: literals sanitized.
    private static readonly string[] QueryTexts =
    [
        "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(?))",
        "INSERT INTO items VALUES (?, ?), (?, ?)",
        "SELECT name FROM items WHERE id = ?",
        "SELECT * FROM missing_table",
    ];

    private static readonly string[] Names = ["CREATE TABLE items", "INSERT items", "SELECT items", "SELECT missing_table"];

    [BpfFact]
    public async Task MariaDbStatementsBecomeClientAndServerSpansWithErrorCodes()
    {
        await using var silo = await LocalSilo.StartAsync();
        var before = AgentUnderTest.UnixNow();
        // mariadbd is one process: the agent watches its pid (and the client's), as `--watch PID` does.
        await using var agent = AgentUnderTest.Start(silo, mariadb.Port, mariadb.ServerPid);

        // --force goes on after the failing statement; each statement is one COM_QUERY.
        using (var client = GatedProcess.Start(agent.Capture, "/usr/bin/mariadb",
            [.. mariadb.ClientArguments, "--force", "-D", MariaDbFixture.Database, "-e", string.Join("; ", Statements)]))
        {
            await client.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }

        await agent.WaitForSpansAsync(8);
        await agent.StopAsync();
        var after = AgentUnderTest.UnixNow();
        var spans = agent.Spans.ToArray();
        var seen = $"{agent.Statistics}\n{AgentUnderTest.Describe(spans)}";
        output.WriteLine(seen);

        Assert.True(spans.Length == 8, seen);
        Assert.Equal(0, agent.Pipeline.Tracker.Unrecognised);
        Assert.Equal(8, agent.Exported);
        Assert.Equal(4, agent.Pipeline.Linked);
        var servers = spans.Where(s => s.Span.Kind == Span.Types.SpanKind.Server).ToArray();
        var clients = spans.Where(s => s.Span.Kind == Span.Types.SpanKind.Client).ToArray();
        Assert.True(servers.Length == 4 && clients.Length == 4, seen);
        Assert.All(servers, s => Assert.Equal("mariadbd", s.Process.ServiceName));
        Assert.All(clients, s => Assert.Equal("mariadb", s.Process.ServiceName));

        for (var i = 0; i < Statements.Length; i++)
        {
            foreach (var (_, span) in new[] { servers[i], clients[i] })
            {
                Assert.Equal(Names[i], span.Name);
                Assert.Equal("mariadb", AgentUnderTest.Attribute(span, "db.system.name"));
                Assert.Equal(MariaDbFixture.Database, AgentUnderTest.Attribute(span, "db.namespace"));
                Assert.Equal(QueryTexts[i], AgentUnderTest.Attribute(span, "db.query.text"));
                Assert.Equal(Names[i], AgentUnderTest.Attribute(span, "db.query.summary"));
                Assert.Equal(Names[i].Split(' ')[0], AgentUnderTest.Attribute(span, "db.operation.name"));
                Assert.InRange((long)span.StartTimeUnixNano, before, after);
                Assert.InRange((long)span.EndTimeUnixNano, (long)span.StartTimeUnixNano, after);
                if (i == 3)
                {
                    Assert.Equal(Status.Types.StatusCode.Error, span.Status.Code);
                    Assert.Equal("1146", span.Status.Message); // ER_NO_SUCH_TABLE
                    Assert.Equal("1146", AgentUnderTest.Attribute(span, "error.type"));
                    Assert.Equal("1146", AgentUnderTest.Attribute(span, "db.response.status_code"));
                }
                else
                {
                    Assert.Equal(Status.Types.StatusCode.Unset, span.Status?.Code ?? Status.Types.StatusCode.Unset);
                    Assert.Null(AgentUnderTest.Attribute(span, "error.type"));
                }
            }

            Assert.Equal(clients[i].Span.TraceId, servers[i].Span.TraceId);
            Assert.Equal(clients[i].Span.SpanId, servers[i].Span.ParentSpanId);
            Assert.Equal(mariadb.Port, clients[i].Span.Attributes.Single(a => a.Key == "server.port").Value.IntValue);
        }

        await SqlPeerAssertions.ServiceAndEdgeAsync(silo, server: "mariadbd", client: "mariadb");
    }
}
