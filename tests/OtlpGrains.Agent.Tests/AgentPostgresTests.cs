using System.Globalization;
using System.Text.Json;
using System.Text;
using Npgsql;
using OpenTelemetry.Proto.Trace.V1;
using OtlpGrains.TestSupport;
using Xunit.Abstractions;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>
/// A throwaway PostgreSQL 15 server and the unmodified <c>psql</c> on loopback (TCP, no TLS): the agent turns the
/// simple-query protocol into CLIENT spans in psql and SERVER spans in the forked backend, a failed statement included.
/// </summary>
public sealed class AgentPostgresTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    private static readonly string[] Statements =
    [
        "CREATE TABLE items (id int PRIMARY KEY, name text)",
        "INSERT INTO items VALUES (1, 'apple'), (2, 'pear')",
        "SELECT name FROM items WHERE id = 1",
        "SELECT * FROM missing_table",
    ];

    // db.query.text: literals sanitized.
    private static readonly string[] QueryTexts =
    [
        "CREATE TABLE items (id int PRIMARY KEY, name text)",
        "INSERT INTO items VALUES (?, ?), (?, ?)",
        "SELECT name FROM items WHERE id = ?",
        "SELECT * FROM missing_table",
    ];

    private static readonly string[] Names = ["CREATE TABLE items", "INSERT items", "SELECT items", "SELECT missing_table"];

    /// <param name="sslMode">disable, or prefer (psql's default): the server has no TLS and answers the SSLRequest with N.</param>
    [BpfTheory]
    [InlineData("disable")]
    [InlineData("prefer")]
    public async Task PsqlStatementsBecomeClientAndServerSpansWithSqlState(string sslMode)
    {
        await using var silo = await LocalSilo.StartAsync();
        var database = new NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync("agent")).Database!;
        var before = AgentUnderTest.UnixNow();
        // Postgres forks a backend per connection, so its pids are not known in advance: the agent follows every process
        // on the server's port, as `--port 5432` does (a user would not chase backend pids with --watch).
        await using var agent = AgentUnderTest.Start(silo, postgres.Port);

        var arguments = new List<string> { "-X", "-q" };
        foreach (var statement in Statements)
        {
            arguments.Add("-c");
            arguments.Add(statement);
        }

        arguments.Add($"host=127.0.0.1 port={postgres.Port.ToString(CultureInfo.InvariantCulture)} user=postgres dbname={database} sslmode={sslMode}");
        using (var psql = GatedProcess.Start(agent.Capture, Path.Combine(postgres.BinDirectory, "psql"), [.. arguments]))
        {
            await psql.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
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
        Assert.All(servers, s => Assert.Equal("postgres", s.Process.ServiceName));
        Assert.All(clients, s => Assert.Equal("psql", s.Process.ServiceName));

        for (var i = 0; i < Statements.Length; i++)
        {
            foreach (var (process, span) in new[] { servers[i], clients[i] })
            {
                Assert.Equal(Names[i], span.Name);
                Assert.Equal("postgresql", AgentUnderTest.Attribute(span, "db.system.name"));
                Assert.Equal(database, AgentUnderTest.Attribute(span, "db.namespace"));
                Assert.Equal(QueryTexts[i], AgentUnderTest.Attribute(span, "db.query.text"));
                Assert.Equal(Names[i], AgentUnderTest.Attribute(span, "db.query.summary"));
                Assert.Equal(Names[i].Split(' ')[0], AgentUnderTest.Attribute(span, "db.operation.name"));
                Assert.InRange((long)span.StartTimeUnixNano, before, after);
                Assert.InRange((long)span.EndTimeUnixNano, (long)span.StartTimeUnixNano, after);
                Assert.Equal("127.0.0.1", AgentUnderTest.Attribute(span, span.Kind == Span.Types.SpanKind.Client ? "server.address" : "client.address"));
                if (i == 3)
                {
                    Assert.Equal(Status.Types.StatusCode.Error, span.Status.Code);
                    Assert.Equal("42P01", span.Status.Message); // undefined_table
                    Assert.Equal("42P01", AgentUnderTest.Attribute(span, "error.type"));
                    Assert.Equal("42P01", AgentUnderTest.Attribute(span, "db.response.status_code"));
                }
                else
                {
                    Assert.Equal(Status.Types.StatusCode.Unset, span.Status?.Code ?? Status.Types.StatusCode.Unset);
                    Assert.Null(AgentUnderTest.Attribute(span, "error.type"));
                }
            }

            // Both ends were on this node: the backend's span is the child of psql's.
            Assert.Equal(clients[i].Span.TraceId, servers[i].Span.TraceId);
            Assert.Equal(clients[i].Span.SpanId, servers[i].Span.ParentSpanId);
            Assert.Equal(postgres.Port, clients[i].Span.Attributes.Single(a => a.Key == "server.port").Value.IntValue);
        }

        await SqlPeerAssertions.ServiceAndEdgeAsync(silo, server: "postgres", client: "psql");
    }
}
