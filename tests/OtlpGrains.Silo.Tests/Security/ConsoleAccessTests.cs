using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace OtlpGrains.Silo.Tests.Security;

/// <summary>
/// The console's files at <c>/ui</c> hold no data and open without a key, under a strict Content-Security-Policy;
/// <c>/api/v1/whoami</c> tells the page its key's name and roles, and a missing or unknown key that it has none.
/// </summary>
[Collection(SecuredSiloCollection.Name)]
public sealed class ConsoleAccessTests(SecuredSilo silo)
{
    [Theory]
    [InlineData("/ui", "text/html")]
    [InlineData("/ui/app.js", "text/javascript")]
    [InlineData("/ui/overview.js", "text/javascript")]
    [InlineData("/ui/console.css", "text/css")]
    public async Task ConsoleFilesOpenWithoutAKeyUnderAStrictPolicy(string path, string mediaType)
    {
        using var anonymous = silo.Client(null);
        using var response = await anonymous.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        string policy = string.Join(';', response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheConsolePageHasNoInlineScript()
    {
        using var anonymous = silo.Client(null);
        string page = await anonymous.GetStringAsync(new Uri("/ui", UriKind.Relative));

        Assert.Contains("<script type=\"module\" src=\"/ui/app.js\"></script>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", page, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"<[^>]*\son[a-z]+\s*=", page);
    }

    [Fact]
    public async Task EveryModuleThePageImportsIsServed()
    {
        using var anonymous = silo.Client(null);
        var pending = new Queue<string>(["app.js"]);
        var seen = new HashSet<string>(StringComparer.Ordinal) { "app.js" };
        while (pending.TryDequeue(out var module))
        {
            using var response = await anonymous.GetAsync(new Uri("/ui/" + module, UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"/ui/{module} answered {(int)response.StatusCode}");
            foreach (Match import in Regex.Matches(await response.Content.ReadAsStringAsync(), @"from '\./([a-z-]+\.js)'"))
            {
                if (seen.Add(import.Groups[1].Value))
                {
                    pending.Enqueue(import.Groups[1].Value);
                }
            }
        }

        Assert.Superset(new HashSet<string>(["api.js", "dom.js", "overview.js", "incident.js", "trace.js", "service.js", "models.js", "federation.js", "layout.js", "charts.js"]), seen);
    }

    [Fact]
    public async Task AnUnknownConsoleFileIsNotFound()
    {
        using var anonymous = silo.Client(null);
        using var response = await anonymous.GetAsync(new Uri("/ui/secrets.json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("reader", new[] { "read" })]
    [InlineData("operator", new[] { "read", "admin" })]
    [InlineData("everything", new[] { "ingest", "read", "admin" })]
    public async Task WhoAmIAnswersTheKeysNameAndRoles(string name, string[] roles)
    {
        using var client = silo.Client(SecuredSilo.Secrets[name]);
        var answer = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/v1/whoami", UriKind.Relative));

        Assert.Equal(name, answer.GetProperty("key").GetString());
        Assert.Equal(roles, answer.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.True(answer.GetProperty("keysConfigured").GetBoolean());
    }

    [Theory]
    [InlineData(null, null, new string[0])]
    [InlineData("stranger", null, new string[0])]
    [InlineData("collector", "collector", new[] { "ingest" })]
    public async Task WhoAmIGivesAKeyThatCannotReadNoReadRole(string? presented, string? name, string[] roles)
    {
        using var client = silo.Client(presented is null ? null : SecuredSilo.Secrets.GetValueOrDefault(presented) ?? SecuredSilo.Secret());
        var answer = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/v1/whoami", UriKind.Relative));

        Assert.Equal(name, answer.GetProperty("key").GetString());
        Assert.Equal(roles, answer.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.True(answer.GetProperty("keysConfigured").GetBoolean());
    }
}
