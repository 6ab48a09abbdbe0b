using System.Diagnostics;
using System.Globalization;
using System.Text;
using OtlpGrains.Hosting;

namespace OtlpGrains.Deploy.Tests;

/// <summary>
/// A single silo (in memory mode unless the caller's settings say otherwise) as its own process (<c>dotnet OtlpGrains.Silo.dll</c> from the test's output folder),
/// on five free loopback ports, configured through <c>OtlpGrains__...</c> variables as a deployment would.
/// </summary>
internal sealed class LoopbackSilo : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private LoopbackSilo(Process process, int[] ports)
    {
        _process = process;
        OtlpHttp = new Uri($"http://127.0.0.1:{ports[1]}");
        Api = new Uri($"http://127.0.0.1:{ports[2]}");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri OtlpHttp { get; }

    public Uri Api { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <param name="settings">More <c>OtlpGrains__...</c> variables, over the launcher's.</param>
    public static LoopbackSilo Start(IReadOnlyDictionary<string, string>? settings = null)
    {
        int[] ports = LoopbackPorts.Take(5);
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "OtlpGrains.Silo.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string Port(int i) => ports[i].ToString(CultureInfo.InvariantCulture);
        start.Environment["OtlpGrains__Storage__Provider"] = "memory";
        start.Environment["OtlpGrains__Otlp__GrpcPort"] = Port(0);
        start.Environment["OtlpGrains__Otlp__HttpPort"] = Port(1);
        start.Environment["OtlpGrains__Api__Port"] = Port(2);
        start.Environment["OtlpGrains__Cluster__SiloPort"] = Port(3);
        start.Environment["OtlpGrains__Cluster__GatewayPort"] = Port(4);
        start.Environment["OtlpGrains__Cluster__ClusterId"] = $"dashboards-{Guid.NewGuid():N}";
        start.Environment["OtlpGrains__Otlp__ListenAddress"] = "127.0.0.1";
        start.Environment["OtlpGrains__Api__ListenAddress"] = "127.0.0.1";
        start.Environment["OtlpGrains__Traces__IdleSeconds"] = "1";
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return new LoopbackSilo(Process.Start(start) ?? throw new InvalidOperationException("the silo did not start"), ports);
    }

    /// <summary>Polls <paramref name="ready"/> every 250 ms until it holds, the silo exits, or <paramref name="patience"/> runs out.</summary>
    public async Task WaitAsync(Func<Task<bool>> ready, TimeSpan patience, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the silo exited ({_process.ExitCode}) before {what}:\n{Output}");
            }

            try
            {
                if (await ready())
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // Not listening or not answering yet.
            }

            if (clock.Elapsed > patience)
            {
                throw new TimeoutException($"not {what} within {patience.TotalSeconds} s:\n{Output}");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>SIGTERM, as the kubelet sends it, then SIGKILL after 15 s.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            PodNetwork.Run("kill", "-TERM", _process.Id.ToString(CultureInfo.InvariantCulture));
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
