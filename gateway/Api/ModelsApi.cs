using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Registry;

namespace OtlpGrains.Gateway.Api;

/// <summary>
/// The model registry under <c>/api/v1/models</c>: list, one model with its versions and audit trail, upload a
/// version, promote, roll back, retire. The registry grain decides; this maps its refusals to HTTP (400 bad request,
/// 404 unknown model or version, 409 stage rules, 413 oversize) and counts them.
/// </summary>
internal static class ModelsApi
{
    /// <summary>Largest JSON body of promote, rollback and retire.</summary>
    private const long CommandBytes = 64 * 1024;

    public static void Map(IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1/models");
        api.MapGet(string.Empty, ListAsync);
        api.MapGet("/{name}", GetAsync);
        api.MapPost("/{name}/versions", RegisterAsync);
        api.MapPost("/{name}/promote", PromoteAsync);
        api.MapPost("/{name}/rollback", RollbackAsync);
        api.MapPost("/{name}/retire", RetireAsync);
    }

    /// <summary>The artifact limit the gateway checks before it reads a body; the registry checks its own too.</summary>
    public static long MaxArtifactBytes(IConfiguration configuration) =>
        configuration.GetValue<long?>("OtlpGrains:Models:MaxArtifactBytes") ?? RegistryLimits.DefaultMaxArtifactBytes;

    private static async Task<IResult> ListAsync(IGrainFactory grains, ModelApiInstruments instruments)
    {
        instruments.Request(ModelOperation.List);
        var registry = Registry(grains);
        var models = await registry.ListAsync();
        var counts = await registry.GetCountsAsync();
        return Results.Json(new { models, counts.RefusedUploads, counts.RefusedScoreReports }, QueryApi.Json);
    }

    private static async Task<IResult> GetAsync(string name, IGrainFactory grains, ModelApiInstruments instruments)
    {
        instruments.Request(ModelOperation.Get);
        if (ModelName.Problem(name) is { } problem)
        {
            return Error(instruments, ModelOperation.Get, StatusCodes.Status400BadRequest, problem);
        }

        var detail = await Registry(grains).GetAsync(name);
        return detail is null
            ? Error(instruments, ModelOperation.Get, StatusCodes.Status404NotFound, $"no model named '{name}'")
            : Results.Json(WithScoresPerVersion(detail), QueryApi.Json);
    }

    /// <summary>
    /// The model as JSON with each version's reported scores (<c>scores</c>: windows, distribution, shadow agreement,
    /// drift) inside the version, where a reader looks for them, rather than in a parallel list.
    /// </summary>
    private static JsonObject WithScoresPerVersion(ModelDetail detail)
    {
        var json = JsonSerializer.SerializeToNode(detail with { Scores = [] }, QueryApi.Json)!.AsObject();
        json.Remove("scores");
        var byVersion = detail.Scores.ToDictionary(s => s.Version);
        foreach (var version in json["versions"]!.AsArray())
        {
            var number = version!["number"]!.GetValue<int>();
            version["scores"] = byVersion.TryGetValue(number, out var scores) ? JsonSerializer.SerializeToNode(scores, QueryApi.Json) : null;
        }

        return json;
    }

    private static async Task<IResult> RegisterAsync(string name, HttpRequest request, IGrainFactory grains, IConfiguration configuration,
        ModelApiInstruments instruments, CancellationToken cancellationToken)
    {
        const ModelOperation Operation = ModelOperation.Register;
        instruments.Request(Operation);
        var maxArtifact = MaxArtifactBytes(configuration);
        if (!request.HasFormContentType || !request.ContentType!.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return Error(instruments, Operation, StatusCodes.Status400BadRequest,
                "send multipart/form-data, e.g. curl -F artifact=@model.bin -F kind=baseline -F trainingFrom=... -F trainingTo=... -F who=alice");
        }

        var tooLarge = $"artifact is larger than the limit of {maxArtifact} bytes";
        var maxBody = maxArtifact + ModelUploadForm.FieldBytes;
        if (request.ContentLength > maxBody)
        {
            return Error(instruments, Operation, StatusCodes.Status413PayloadTooLarge, tooLarge);
        }

        IFormCollection form;
        try
        {
            // Kestrel stops a chunked body at the bound; the form reader bounds each part.
            if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
            {
                bodyLimit.MaxRequestBodySize = maxBody;
            }

            var reader = new FormFeature(request, new FormOptions { MultipartBodyLengthLimit = maxBody, ValueLengthLimit = (int)ModelUploadForm.FieldBytes });
            form = await reader.ReadFormAsync(cancellationToken);
        }
        catch (BadHttpRequestException oversize) when (oversize.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Error(instruments, Operation, StatusCodes.Status413PayloadTooLarge, tooLarge);
        }
        catch (InvalidDataException malformed)
        {
            return malformed.Message.Contains("limit", StringComparison.OrdinalIgnoreCase)
                ? Error(instruments, Operation, StatusCodes.Status413PayloadTooLarge, tooLarge)
                : Error(instruments, Operation, StatusCodes.Status400BadRequest, $"malformed multipart body: {malformed.Message.ReplaceLineEndings(" ")}");
        }

        if (form.Files.GetFile("artifact") is { } file && file.Length > maxArtifact)
        {
            return Error(instruments, Operation, StatusCodes.Status413PayloadTooLarge, $"artifact is {file.Length} bytes, more than the limit of {maxArtifact}");
        }

        var (upload, problem) = await ModelUploadForm.ReadAsync(name, form, cancellationToken);
        if (upload is null)
        {
            return Error(instruments, Operation, StatusCodes.Status400BadRequest, problem!);
        }

        var result = await Registry(grains).RegisterAsync(upload);
        return result.Succeeded
            ? Results.Json(result.Version, QueryApi.Json, statusCode: StatusCodes.Status201Created)
            : Refused(instruments, Operation, result.Refusal!);
    }

    private static async Task<IResult> PromoteAsync(string name, HttpRequest request, IGrainFactory grains, ModelApiInstruments instruments)
    {
        const ModelOperation Operation = ModelOperation.Promote;
        instruments.Request(Operation);
        var (command, problem) = await ReadCommandAsync(request);
        if (command is null)
        {
            return Error(instruments, Operation, StatusCodes.Status400BadRequest, problem!);
        }

        if (command.Version is not { } version)
        {
            return Error(instruments, Operation, StatusCodes.Status400BadRequest, "version is required");
        }

        ModelStage? stage = command.Stage?.ToLowerInvariant() switch
        {
            "production" => ModelStage.Production,
            "shadow" => ModelStage.Shadow,
            _ => null,
        };
        if (stage is null)
        {
            return Error(instruments, Operation, StatusCodes.Status400BadRequest, "stage must be \"production\" or \"shadow\"");
        }

        return Changed(instruments, Operation, await Registry(grains).PromoteAsync(name, version, stage.Value, command.Who ?? string.Empty, command.Reason ?? string.Empty));
    }

    private static async Task<IResult> RollbackAsync(string name, HttpRequest request, IGrainFactory grains, ModelApiInstruments instruments)
    {
        const ModelOperation Operation = ModelOperation.Rollback;
        instruments.Request(Operation);
        var (command, problem) = await ReadCommandAsync(request);
        return command is null
            ? Error(instruments, Operation, StatusCodes.Status400BadRequest, problem!)
            : Changed(instruments, Operation, await Registry(grains).RollbackAsync(name, command.Who ?? string.Empty, command.Reason ?? string.Empty));
    }

    private static async Task<IResult> RetireAsync(string name, HttpRequest request, IGrainFactory grains, ModelApiInstruments instruments)
    {
        const ModelOperation Operation = ModelOperation.Retire;
        instruments.Request(Operation);
        var (command, problem) = await ReadCommandAsync(request);
        if (command is null)
        {
            return Error(instruments, Operation, StatusCodes.Status400BadRequest, problem!);
        }

        return command.Version is { } version
            ? Changed(instruments, Operation, await Registry(grains).RetireAsync(name, version, command.Who ?? string.Empty, command.Reason ?? string.Empty))
            : Error(instruments, Operation, StatusCodes.Status400BadRequest, "version is required");
    }

    private static async Task<(StageCommand? Command, string? Problem)> ReadCommandAsync(HttpRequest request)
    {
        if (request.ContentLength > CommandBytes)
        {
            return (null, $"the body is larger than {CommandBytes} bytes");
        }

        try
        {
            var command = await JsonSerializer.DeserializeAsync<StageCommand>(request.Body, QueryApi.Json, request.HttpContext.RequestAborted);
            return command is null ? (null, "the body must be a JSON object") : (command, null);
        }
        catch (JsonException json)
        {
            return (null, $"bad JSON: {json.Message.ReplaceLineEndings(" ")}");
        }
    }

    private static IResult Changed(ModelApiInstruments instruments, ModelOperation operation, RegistryResult result) =>
        result.Succeeded
            ? Results.Json(new { result.Version, result.Changed }, QueryApi.Json)
            : Refused(instruments, operation, result.Refusal!);

    private static IResult Refused(ModelApiInstruments instruments, ModelOperation operation, RegistryRefusal refusal) =>
        Error(instruments, operation, refusal.Kind switch
        {
            RegistryRefusalKind.NotFound => StatusCodes.Status404NotFound,
            RegistryRefusalKind.Conflict => StatusCodes.Status409Conflict,
            RegistryRefusalKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
            RegistryRefusalKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
            _ => StatusCodes.Status400BadRequest,
        }, refusal.Reason);

    private static IResult Error(ModelApiInstruments instruments, ModelOperation operation, int status, string reason)
    {
        instruments.Answered(operation, status);
        return Results.Json(new { error = reason }, QueryApi.Json, statusCode: status);
    }

    private static IModelRegistryGrain Registry(IGrainFactory grains) => grains.GetGrain<IModelRegistryGrain>(IModelRegistryGrain.DefaultKey);

    /// <summary>The body of promote (<c>version</c>, <c>stage</c>), rollback and retire (<c>version</c>): who and why.</summary>
    private sealed record StageCommand(int? Version, string? Stage, string? Who, string? Reason);
}
