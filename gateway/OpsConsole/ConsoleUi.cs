using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace OtlpGrains.Gateway.OpsConsole;

/// <summary>
/// The ops console at <c>/ui</c>: plain HTML, ES modules, CSS and SVG embedded in the gateway assembly, so nothing is
/// fetched from anywhere at build or run time. The files hold no data and are served without a key; every data call
/// the page makes goes to the API with the key the user gave it. A strict Content-Security-Policy allows only the
/// console's own files: no inline script, no other origin.
/// </summary>
internal static class ConsoleUi
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    private const string ResourcePrefix = "console/";

    private static readonly Dictionary<string, byte[]> Files = Load();

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/ui", (HttpContext context) => Serve(context, "index.html")).AllowAnonymous();
        routes.MapGet("/ui/{file}", (HttpContext context, string file) => Serve(context, file)).AllowAnonymous();
    }

    private static IResult Serve(HttpContext context, string file)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-cache";
        return Files.TryGetValue(file, out var bytes)
            ? Results.Bytes(bytes, ContentType(file))
            : Results.Text($"no console file '{file}'\n", statusCode: StatusCodes.Status404NotFound);
    }

    private static string ContentType(string file) => Path.GetExtension(file) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };

    private static Dictionary<string, byte[]> Load()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files[name[ResourcePrefix.Length..]] = copy.ToArray();
        }

        return files;
    }
}
