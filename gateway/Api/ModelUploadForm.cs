using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Api;

/// <summary>
/// Reads <c>POST /api/v1/models/{name}/versions</c>: a multipart form, so that a curl user uploads a file of any size
/// with <c>-F artifact=@model.bin</c> and types the rest as fields. Fields: <c>kind</c>, <c>trainingFrom</c>,
/// <c>trainingTo</c> (RFC 3339) and <c>who</c> are required; <c>schema</c> (a JSON object
/// <c>{"name","signals","openEnded"}</c>), <c>metrics</c> (a JSON object of numbers), <c>sha256</c> and
/// <c>reason</c> are optional.
/// </summary>
internal static class ModelUploadForm
{
    /// <summary>Room for the text fields and multipart framing beside the artifact.</summary>
    public const long FieldBytes = 256 * 1024;

    /// <summary>The upload, or the one-line reason for a 400.</summary>
    public static async Task<(ModelUpload? Upload, string? Problem)> ReadAsync(string name, IFormCollection form, CancellationToken cancellationToken)
    {
        if (form.Files.GetFile("artifact") is not { } file)
        {
            return (null, "the artifact file is missing: send it as a multipart field, e.g. -F artifact=@model.bin");
        }

        var kind = Field(form, "kind");
        var who = Field(form, "who");
        if (kind is null || who is null)
        {
            return (null, $"{(kind is null ? "kind" : "who")} is required");
        }

        if (!TryTime(form, "trainingFrom", out var from, out var problem) || !TryTime(form, "trainingTo", out var to, out problem))
        {
            return (null, problem);
        }

        FeatureSchema? schema = null;
        var metrics = ImmutableSortedDictionary<string, double>.Empty;
        try
        {
            if (Field(form, "schema") is { } schemaText)
            {
                schema = JsonSerializer.Deserialize<FeatureSchema>(schemaText, QueryApi.Json);
                if (schema is null || string.IsNullOrWhiteSpace(schema.Name) || schema.Signals is not { Length: > 0 } || schema.Signals.Any(string.IsNullOrWhiteSpace))
                {
                    return (null, "schema must be a JSON object with a name and at least one signal, e.g. {\"name\":\"red.v1\",\"signals\":[\"rate\"],\"openEnded\":true}");
                }
            }

            if (Field(form, "metrics") is { } metricsText)
            {
                var parsed = JsonSerializer.Deserialize<Dictionary<string, double>>(metricsText, QueryApi.Json);
                metrics = parsed is null ? metrics : parsed.ToImmutableSortedDictionary(StringComparer.Ordinal);
            }
        }
        catch (JsonException json)
        {
            return (null, $"bad JSON in schema or metrics: {json.Message.ReplaceLineEndings(" ")}");
        }

        var bytes = new byte[file.Length];
        await using (var content = file.OpenReadStream())
        {
            await content.ReadExactlyAsync(bytes, cancellationToken);
        }

        return (new ModelUpload(name, kind, schema, from, to, metrics, Field(form, "sha256"), who, Field(form, "reason") ?? string.Empty, bytes), null);
    }

    private static string? Field(IFormCollection form, string key) =>
        form.TryGetValue(key, out var values) && !string.IsNullOrWhiteSpace(values.ToString()) ? values.ToString().Trim() : null;

    private static bool TryTime(IFormCollection form, string key, out DateTimeOffset value, out string? problem)
    {
        value = default;
        problem = null;
        if (Field(form, key) is not { } text)
        {
            problem = $"{key} is required (RFC 3339, e.g. 2026-01-02T15:04:05Z)";
            return false;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value))
        {
            problem = $"{key} must be an RFC 3339 time, e.g. 2026-01-02T15:04:05Z";
            return false;
        }

        return true;
    }
}
