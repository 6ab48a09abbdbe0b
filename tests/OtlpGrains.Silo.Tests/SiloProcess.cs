using System.Diagnostics;
using System.Text;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// A silo run as its own process (<c>dotnet OtlpGrains.Silo.dll</c> from the test's output folder), configured by
/// environment variables the way a deployment configures it, so a test can SIGKILL it or stop it gracefully.
/// </summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SiloProcess(Process process, string address, int[] ports)
    {
        _process = process;
        Address = address;
        GrpcPort = ports[0];
        HttpPort = ports[1];
        ApiPort = ports[2];
        SiloPort = ports[3];
    }

    /// <summary>The address its endpoints are reached at: loopback, or its own in a network namespace.</summary>
    public string Address { get; }

    public int SiloPort { get; }

    public Uri GrpcEndpoint => new($"http://{Address}:{GrpcPort}");

    public Uri ApiEndpoint => new($"http://{Address}:{ApiPort}");

    public int GrpcPort { get; }

    public int HttpPort { get; }

    public int ApiPort { get; }

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

    public bool HasExited => _process.HasExited;

    public static SiloProcess Start(string connectionString, string clusterId, int[] ports) => Launch(ports, Durable(connectionString, clusterId));

    /// <summary>
    /// A durable silo inside network namespace <paramref name="networkNamespace"/> (<c>ip netns exec</c>), listening on
    /// all its addresses and advertising <paramref name="address"/> to the cluster.
    /// </summary>
    public static SiloProcess StartInNamespace(string connectionString, string clusterId, int[] ports, string networkNamespace, string address)
    {
        var settings = Durable(connectionString, clusterId);
        settings["OtlpGrains__Cluster__AdvertisedAddress"] = address;
        // Its own address is not loopback, and these silos run without keys.
        settings["OtlpGrains__Security__AllowAnonymous"] = "true";
        return Launch(ports, settings, networkNamespace, address);
    }

    private static Dictionary<string, string> Durable(string connectionString, string clusterId) => new()
    {
        ["OtlpGrains__Storage__Provider"] = "postgres",
        ["OtlpGrains__Storage__ConnectionString"] = connectionString,
        ["OtlpGrains__Cluster__ClusterId"] = clusterId,
    };

    /// <summary>A durable silo with extra settings, which override the launcher's (e.g. <c>OtlpGrains__Traces__IdleSeconds</c>).</summary>
    public static SiloProcess Start(string connectionString, string clusterId, int[] ports, IReadOnlyDictionary<string, string> settings)
    {
        var env = Durable(connectionString, clusterId);
        foreach (var (key, value) in settings)
        {
            env[key] = value;
        }

        return Launch(ports, env);
    }

    /// <summary>A single silo in memory mode (localhost clustering, memory storage), with extra settings that override the launcher's.</summary>
    public static SiloProcess StartInMemory(int[] ports, IReadOnlyDictionary<string, string>? settings = null)
    {
        var env = new Dictionary<string, string> { ["OtlpGrains__Storage__Provider"] = "memory" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            env[key] = value;
        }

        return Launch(ports, env);
    }

    /// <summary>
    /// A memory-mode silo inside network namespace <paramref name="networkNamespace"/>, listening on and reached at its
    /// own <paramref name="address"/> there; <paramref name="settings"/> override the launcher's.
    /// </summary>
    public static SiloProcess StartInMemoryInNamespace(int[] ports, IReadOnlyDictionary<string, string> settings, string networkNamespace, string address)
    {
        var env = new Dictionary<string, string> { ["OtlpGrains__Storage__Provider"] = "memory" };
        foreach (var (key, value) in settings)
        {
            env[key] = value;
        }

        return Launch(ports, env, networkNamespace, address);
    }

    private static SiloProcess Launch(int[] ports, IReadOnlyDictionary<string, string> settings, string? networkNamespace = null, string address = "127.0.0.1")
    {
        var silo = Path.Combine(AppContext.BaseDirectory, "OtlpGrains.Silo.dll");
        var dotnet = Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";
        var start = new ProcessStartInfo(networkNamespace is null ? "dotnet" : "ip", networkNamespace is null ? [silo] : ["netns", "exec", networkNamespace, dotnet, silo])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var env = start.Environment;
        env["OtlpGrains__Otlp__GrpcPort"] = ports[0].ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["OtlpGrains__Otlp__HttpPort"] = ports[1].ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["OtlpGrains__Api__Port"] = ports[2].ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["OtlpGrains__Cluster__SiloPort"] = ports[3].ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["OtlpGrains__Cluster__GatewayPort"] = ports[4].ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["OtlpGrains__Otlp__ListenAddress"] = address;
        env["OtlpGrains__Api__ListenAddress"] = address;
        env["OtlpGrains__Traces__IdleSeconds"] = "1";
        env["OtlpGrains__Otlp__GrainTimeoutSeconds"] = "5";

        // The caller's settings last, so that a test can override the launcher's defaults.
        foreach (var (key, value) in settings)
        {
            env[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the silo process");
        var result = new SiloProcess(process, address, ports);
        process.OutputDataReceived += (_, e) => result.Append(e.Data);
        process.ErrorDataReceived += (_, e) => result.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    /// <summary>Waits until <c>/readyz</c> answers 200 (the silo joined and a grain call works).</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"silo exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                var response = await http.GetAsync(new Uri(ApiEndpoint, "/readyz"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // not answering yet
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"silo on API port {ApiPort} was not ready within {timeout}:\n{Output}");
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the process to end by itself; true when it did.</summary>
    public async Task<bool> WaitExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>SIGKILL: the process dies at once, nothing is flushed.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGSTOP or SIGCONT: the process freezes (its sockets stay open, nothing answers) or runs on, as a hung peer does.</summary>
    public async Task SignalAsync(bool freeze)
    {
        using var signal = Process.Start("kill", [freeze ? "-STOP" : "-CONT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await signal!.WaitForExitAsync();
    }

    /// <summary>SIGTERM: the host shuts down gracefully (grains checkpoint, the silo leaves the cluster).</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill!.WaitForExitAsync();
        }

        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
