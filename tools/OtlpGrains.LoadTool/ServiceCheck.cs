using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace OtlpGrains.LoadTool;

/// <summary>
/// Polls the query API until every service of the run reports exactly the count the acknowledged exports imply
/// (request spans for traces, log records for logs: the exactly-once check), then prints expected against seen.
/// </summary>
internal static class ServiceCheck
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>True when every service's count matched within <see cref="LoadOptions.Settle"/>.</summary>
    public static async Task<bool> RunAsync(LoadOptions options, LoadSignal signal, long[] expected, ClientTls tls, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tls);
        using var http = RequestHeaders.ApplyTo(
            new HttpClient(tls.Configure(new SocketsHttpHandler())) { BaseAddress = options.Api, Timeout = TimeSpan.FromSeconds(10) },
            options.ApiHeaders ?? options.Headers);
        DateTimeOffset deadline = time.GetUtcNow() + options.Settle;
        Dictionary<string, long> seen = [];
        string? lastError = null;
        while (true)
        {
            try
            {
                seen = await signal.FetchCountsAsync(http, options, ct);
                lastError = null;
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException
                or TaskCanceledException && !ct.IsCancellationRequested)
            {
                // Not up yet, or not the shape we expect: keep polling until the deadline.
                lastError = ex.Message;
            }

            if (lastError is null && Matches(options, expected, seen))
            {
                break;
            }

            if (time.GetUtcNow() + PollInterval > deadline)
            {
                break;
            }

            await Task.Delay(PollInterval, time, ct);
        }

        return Print(options, signal, expected, seen, lastError);
    }

    /// <summary>Request spans since first seen, for every service of the run, from one <c>/api/v1/services</c>.</summary>
    public static async Task<Dictionary<string, long>> FetchRequestsAsync(HttpClient http, LoadOptions options, CancellationToken ct)
    {
        string prefix = options.ServicePrefix;
        using JsonDocument document = await http.GetFromJsonAsync<JsonDocument>("api/v1/services", ct)
            ?? throw new JsonException("empty response");
        var seen = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (JsonElement service in document.RootElement.GetProperty("services").EnumerateArray())
        {
            string? name = service.GetProperty("name").GetString();
            if (name is not null && name.StartsWith(prefix, StringComparison.Ordinal))
            {
                seen[name] = service.GetProperty("requests").GetInt64();
            }
        }

        return seen;
    }

    /// <summary>
    /// Log records since first seen (<c>totals.logs</c> of <c>/api/v1/services/{name}</c>; <c>logs.total</c> counts only
    /// what the retained windows placed), per service of the run; a service not seen yet is left out.
    /// </summary>
    public static async Task<Dictionary<string, long>> FetchLogTotalsAsync(HttpClient http, LoadOptions options, CancellationToken ct)
    {
        var seen = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int i = 0; i < options.Services; i++)
        {
            string name = options.ServiceName(i);
            using HttpResponseMessage response = await http.GetAsync(new Uri($"api/v1/services/{Uri.EscapeDataString(name)}", UriKind.Relative), ct);
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                continue;
            }

            response.EnsureSuccessStatusCode();
            using JsonDocument document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
            seen[name] = document.RootElement.GetProperty("totals").GetProperty("logs").GetInt64();
        }

        return seen;
    }

    private static bool Matches(LoadOptions options, long[] expected, Dictionary<string, long> seen)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (seen.GetValueOrDefault(options.ServiceName(i)) != expected[i])
            {
                return false;
            }
        }

        return true;
    }

    private static bool Print(LoadOptions options, LoadSignal signal, long[] expected, Dictionary<string, long> seen, string? lastError)
    {
        Console.WriteLine();
        Console.WriteLine($"exactly-once check: {signal.Counted} per service");
        Console.WriteLine($"{"service",-36} {"expected",12} {"seen",12}  result");
        bool all = lastError is null;
        for (int i = 0; i < expected.Length; i++)
        {
            string name = options.ServiceName(i);
            bool found = seen.TryGetValue(name, out long count);
            bool match = count == expected[i];
            all &= match;
            string shown = found ? count.ToString(CultureInfo.InvariantCulture) : "-";
            Console.WriteLine($"{name,-36} {expected[i],12} {shown,12}  {(match ? "ok" : "MISMATCH")}");
        }

        if (lastError is not null)
        {
            Console.WriteLine($"query API error: {lastError}");
        }

        Console.WriteLine(all ? "all services match" : $"services do not match after {options.Settle.TotalSeconds:0} s");
        return all;
    }
}
