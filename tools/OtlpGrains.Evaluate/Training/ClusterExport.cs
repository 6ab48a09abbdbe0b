using System.Net.Http.Json;
using System.Text.Json;

namespace OtlpGrains.Evaluate.Training;

/// <summary>
/// Reads a running cluster's windows through its query API: <c>/api/v1/services</c>, then each service's
/// <c>/windows?from=&amp;to=</c>, turned into <see cref="RedWindow"/> series ordered by start (one per service with
/// windows), with the windows the API leaves out (nothing happened) filled in as the grain scores them.
/// </summary>
internal static class ClusterExport
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<IReadOnlyList<ServiceSeries>> ExportAsync(HttpClient api, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        var list = await GetAsync<ServiceList>(api, "/api/v1/services", cancellationToken);
        var range = string.Join('&', new[] { ("from", from), ("to", to) }
            .Where(p => p.Item2 is not null)
            .Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!.Value.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture))}"));
        var series = new List<ServiceSeries>();
        foreach (var service in (list.Services ?? []).Select(s => s.Name).Where(n => !string.IsNullOrEmpty(n)).Order(StringComparer.Ordinal))
        {
            // Service names may hold '/', which the API's route takes as part of the name: escape the rest only.
            var path = $"/api/v1/services/{string.Join('/', service!.Split('/').Select(Uri.EscapeDataString))}/windows" + (range.Length > 0 ? "?" + range : string.Empty);
            var windows = await GetAsync<WindowList>(api, path, cancellationToken);
            var red = RedWindow.FillGaps(RedWindow.Series([.. (windows.Windows ?? []).OrderBy(w => w.Start)]));
            if (red.Length > 0)
            {
                series.Add(new ServiceSeries(service, red));
            }
        }

        return series;
    }

    private static async Task<T> GetAsync<T>(HttpClient api, string path, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await api.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        }
        catch (HttpRequestException unreachable)
        {
            throw new TrainingFailure($"cannot reach the API at {api.BaseAddress}: {unreachable.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TrainingFailure($"the API at {api.BaseAddress} did not answer {path} in time");
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new TrainingFailure($"GET {path} answered {(int)response.StatusCode}: {await ApiError.ReadAsync(response, cancellationToken)}");
            }

            try
            {
                return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
                    ?? throw new TrainingFailure($"GET {path} answered null");
            }
            catch (JsonException bad)
            {
                throw new TrainingFailure($"GET {path} answered malformed JSON: {bad.Message.ReplaceLineEndings(" ")}");
            }
        }
    }

    private sealed record ServiceList(ServiceName[]? Services);

    private sealed record ServiceName(string? Name);

    private sealed record WindowList(ExportedWindow[]? Windows);
}

/// <summary>One service's exported windows, oldest first.</summary>
internal sealed record ServiceSeries(string Service, IReadOnlyList<RedWindow> Windows);
