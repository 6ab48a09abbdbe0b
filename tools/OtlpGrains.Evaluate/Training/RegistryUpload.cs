using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace OtlpGrains.Evaluate.Training;

/// <summary>Registers an artifact as a candidate through <c>POST /api/v1/models/{name}/versions</c> (multipart).</summary>
internal static class RegistryUpload
{
    public static async Task<RegisteredVersion> RegisterAsync(HttpClient api, TrainRequest request, byte[] artifact,
        DateTimeOffset trainedFrom, DateTimeOffset trainedTo, IReadOnlyDictionary<string, double> metrics, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(request);
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(artifact);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "artifact", $"{request.Model}.{request.Kind}.bin");
        form.Add(new StringContent(request.Kind), "kind");
        form.Add(new StringContent(trainedFrom.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)), "trainingFrom");
        form.Add(new StringContent(trainedTo.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)), "trainingTo");
        form.Add(new StringContent(JsonSerializer.Serialize(metrics)), "metrics");
        form.Add(new StringContent(request.Who), "who");
        form.Add(new StringContent(request.Reason), "reason");

        var path = $"/api/v1/models/{request.Model}/versions";
        HttpResponseMessage response;
        try
        {
            response = await api.PostAsync(new Uri(path, UriKind.Relative), form, cancellationToken);
        }
        catch (HttpRequestException unreachable)
        {
            throw new TrainingFailure($"cannot reach the API at {api.BaseAddress}: {unreachable.Message}");
        }

        using (response)
        {
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new TrainingFailure($"the registry refused the version ({(int)response.StatusCode}): {await ApiError.ReadAsync(response, cancellationToken)}");
            }

            return await response.Content.ReadFromJsonAsync<RegisteredVersion>(ClusterExport.Json, cancellationToken)
                ?? throw new TrainingFailure("the registry answered 201 without a version");
        }
    }
}

/// <summary>What the registry answered of the new version.</summary>
internal sealed record RegisteredVersion(string Name, int Number, string Kind, string Stage, string Sha256, long SizeBytes);
