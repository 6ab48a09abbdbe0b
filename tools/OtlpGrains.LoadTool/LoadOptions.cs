using System.Globalization;

namespace OtlpGrains.LoadTool;

/// <summary>The load tool's command line.</summary>
internal sealed record LoadOptions
{
    public const string Usage = """
        OtlpGrains load tool: sends OTLP/gRPC trace or log exports, then checks that the cluster counted every
        acknowledged request span (traces) or log record (logs) exactly once.

        Usage: OtlpGrains.LoadTool [options]
               OtlpGrains.LoadTool sink [--grpc-port N] [--http-port N]

          --signal traces|logs    what to send (default traces)
          --protocol P            grpc, http/protobuf or http/json (default grpc)
          --endpoint URL          OTLP endpoint (default http://127.0.0.1:4317 for grpc, :4318 for http/*)
          --api URL               query API base address (default http://127.0.0.1:8080)
          --streams N             concurrent senders (default 8)
          --duration SECONDS      how long to send (default 30)
          --requests N            send exactly N requests instead of for a duration
          --services N            distinct services (default 20)
          --spans-per-trace N     spans in each trace (default 8)
          --spans-per-request N   spans in each export request (default 512)
          --records-per-request N logs: log records in each export request (default 500)
          --run-id ID             tags the service names load-{ID}-svc-NN (default: random)
          --settle SECONDS        how long to wait for the cluster's counts to match (default 30)
          --rate N                requests per second across all streams, each carrying the event time of its
                                  turn even when sent late (default: as fast as acknowledged)
          --event-start SECONDS   event time starts this many seconds before now (default 0: the wall clock)
          --speed X               event seconds per wall second (default 1); sending stops where event time
                                  would pass the wall clock
          --fault KIND            traces: inject a fault, latency or errors (default: none)
          --fault-service N       index of the faulty service, 0-based (default 0)
          --fault-after SECONDS   event time from the start of the run to the fault (default 60)
          --fault-factor X        latency fault: server spans take X times as long (default 10)
          --fault-error-ratio P   errors fault: share of the service's requests that fail (default 0.5)
          --ca FILE               TLS: trust only this CA (PEM) for the gateway's certificate (https endpoints)
          --client-cert FILE      mutual TLS: present this client certificate (PEM)
          --client-key FILE       the client certificate's private key (PEM; default: read from --client-cert)
          --header NAME=VALUE     send this header on every export and API query, e.g. "authorization=Bearer KEY"
                                  (repeatable; gRPC metadata over grpc)
          --api-header NAME=VALUE send this header on the API queries instead of --header's: a key with the read
                                  role where the export key holds only ingest (repeatable)
          --watch-pid PID         sample that process's resident memory (RSS) every 5 s and report it
          --no-check              skip the exactly-once check (for runs against the null sink)
          --dry-run               build and stamp requests, check them offline, send nothing
          --help                  this text

        sink: a null OTLP receiver (gRPC on --grpc-port, default 4327; HTTP on --http-port, default 4328) that
        reads each request whole and answers OK, to measure what the transport and this tool allow on the machine.

        Exit code: 0 when every service's count matches, 1 otherwise, 2 for usage errors.
        """;

    private static readonly HashSet<string> ValueOptions =
    [
        "--endpoint", "--api", "--streams", "--duration", "--requests", "--services", "--spans-per-trace",
        "--spans-per-request", "--run-id", "--settle", "--rate", "--event-start", "--speed", "--fault", "--fault-service",
        "--fault-after", "--fault-factor", "--fault-error-ratio", "--signal", "--records-per-request", "--protocol",
        "--watch-pid", "--ca", "--client-cert", "--client-key", "--header", "--api-header",
    ];

    /// <summary>Options that shape traces only.</summary>
    private static readonly string[] TraceOnlyOptions = ["--spans-per-trace", "--spans-per-request", "--fault"];

    public Uri Endpoint { get; init; } = new("http://127.0.0.1:4317");

    public ExportProtocol Protocol { get; init; } = ExportProtocol.Grpc;

    /// <summary>A process whose RSS the run samples (the silo), or null.</summary>
    public int? WatchPid { get; init; }

    /// <summary>Skip the exactly-once check: nothing counts what a null sink acknowledges.</summary>
    public bool NoCheck { get; init; }

    public Uri Api { get; init; } = new("http://127.0.0.1:8080");

    /// <summary>The CA (PEM) the gateway's certificate must chain to, or null for the system's roots.</summary>
    public string? CaPath { get; init; }

    /// <summary>The client certificate (PEM) for mutual TLS, or null.</summary>
    public string? ClientCertificatePath { get; init; }

    /// <summary>The client certificate's key (PEM), or null when it is in <see cref="ClientCertificatePath"/>.</summary>
    public string? ClientKeyPath { get; init; }

    /// <summary>Headers sent with every export and API query (<c>--header</c>), in the order given.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>Headers for the API queries (<c>--api-header</c>); null sends <see cref="Headers"/> there too.</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? ApiHeaders { get; init; }

    public int Streams { get; init; } = 8;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Total requests to send; null means send for <see cref="Duration"/>.</summary>
    public long? Requests { get; init; }

    public int Services { get; init; } = 20;

    public int SpansPerTrace { get; init; } = 8;

    public int SpansPerRequest { get; init; } = 512;

    public SignalKind Signal { get; init; } = SignalKind.Traces;

    public int RecordsPerRequest { get; init; } = 500;

    public string RunId { get; init; } = Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.Next()))[..6];

    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(30);

    public bool DryRun { get; init; }

    /// <summary>Requests per second across all streams; null sends as fast as requests are acknowledged.</summary>
    public double? Rate { get; init; }

    /// <summary>Where event time starts, relative to the wall clock at start (zero or negative).</summary>
    public TimeSpan EventStart { get; init; }

    /// <summary>Event seconds per wall second.</summary>
    public double Speed { get; init; } = 1;

    /// <summary>The injected fault, or null.</summary>
    public FaultPlan? Fault { get; init; }

    public bool Help { get; init; }

    /// <summary>The prefix of every service name of this run.</summary>
    public string ServicePrefix => $"load-{RunId}-svc-";

    public string ServiceName(int index) => ServicePrefix + index.ToString("D2", CultureInfo.InvariantCulture);

    /// <summary>Parses <c>--name value</c> or <c>--name=value</c> pairs; returns null and a reason on a usage error.</summary>
    public static LoadOptions? Parse(string[] args, out string? error)
    {
        var options = new LoadOptions();
        bool durationGiven = false;
        bool faultKindGiven = false;
        bool faultDetailGiven = false;
        var given = new HashSet<string>(StringComparer.Ordinal);
        error = null;
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            string? value = null;
            int equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }

            if (name is "--help" or "-h" or "-?")
            {
                return options with { Help = true };
            }

            if (name == "--dry-run")
            {
                options = options with { DryRun = true };
                continue;
            }

            if (name == "--no-check")
            {
                options = options with { NoCheck = true };
                continue;
            }

            if (!ValueOptions.Contains(name))
            {
                error = $"unknown option {name}";
                return null;
            }

            if (value is null)
            {
                if (i + 1 >= args.Length)
                {
                    error = $"{name} needs a value";
                    return null;
                }

                value = args[++i];
            }

            switch (name)
            {
                case "--endpoint" when TryUri(value, out Uri? endpoint):
                    options = options with { Endpoint = endpoint };
                    break;
                case "--protocol" when ExportProtocols.TryParse(value, out ExportProtocol protocol):
                    options = options with { Protocol = protocol };
                    break;
                case "--watch-pid" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && pid > 0:
                    options = options with { WatchPid = pid };
                    break;
                case "--ca" when File.Exists(value):
                    options = options with { CaPath = value };
                    break;
                case "--client-cert" when File.Exists(value):
                    options = options with { ClientCertificatePath = value };
                    break;
                case "--client-key" when File.Exists(value):
                    options = options with { ClientKeyPath = value };
                    break;
                case "--header" when RequestHeaders.TryParse(value, out KeyValuePair<string, string> header):
                    options = options with { Headers = [.. options.Headers, header] };
                    break;
                case "--api-header" when RequestHeaders.TryParse(value, out KeyValuePair<string, string> apiHeader):
                    options = options with { ApiHeaders = [.. options.ApiHeaders ?? [], apiHeader] };
                    break;
                case "--api" when TryUri(value, out Uri? api):
                    options = options with { Api = api };
                    break;
                case "--streams" when TryCount(value, out long streams) && streams <= 1024:
                    options = options with { Streams = (int)streams };
                    break;
                case "--duration" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds > 0:
                    options = options with { Duration = TimeSpan.FromSeconds(seconds) };
                    durationGiven = true;
                    break;
                case "--requests" when TryCount(value, out long requests):
                    options = options with { Requests = requests };
                    break;
                case "--services" when TryCount(value, out long services) && services <= 10_000:
                    options = options with { Services = (int)services };
                    break;
                case "--spans-per-trace" when TryCount(value, out long spansPerTrace) && spansPerTrace <= 1000:
                    options = options with { SpansPerTrace = (int)spansPerTrace };
                    break;
                case "--spans-per-request" when TryCount(value, out long spansPerRequest) && spansPerRequest <= 100_000:
                    options = options with { SpansPerRequest = (int)spansPerRequest };
                    break;
                case "--records-per-request" when TryCount(value, out long recordsPerRequest) && recordsPerRequest <= 100_000:
                    options = options with { RecordsPerRequest = (int)recordsPerRequest };
                    break;
                case "--signal" when Enum.TryParse(value, ignoreCase: true, out SignalKind signal) && !int.TryParse(value, out _):
                    options = options with { Signal = signal };
                    break;
                case "--run-id" when value.Length is > 0 and <= 32 && value.All(char.IsAsciiLetterOrDigit):
                    options = options with { RunId = value };
                    break;
                case "--settle" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double settle) && settle >= 0:
                    options = options with { Settle = TimeSpan.FromSeconds(settle) };
                    break;
                case "--rate" when TryPositive(value, out double rate):
                    options = options with { Rate = rate };
                    break;
                case "--event-start" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double start) && start >= 0 && start <= 30 * 86_400:
                    options = options with { EventStart = -TimeSpan.FromSeconds(start) };
                    break;
                case "--speed" when TryPositive(value, out double speed) && speed <= 10_000:
                    options = options with { Speed = speed };
                    break;
                case "--fault" when Enum.TryParse(value, ignoreCase: true, out FaultKind kind) && !int.TryParse(value, out _):
                    options = options with { Fault = (options.Fault ?? DefaultFault) with { Kind = kind } };
                    break;
                case "--fault-service" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int service):
                    options = options with { Fault = (options.Fault ?? DefaultFault) with { Service = service } };
                    faultDetailGiven = true;
                    break;
                case "--fault-after" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double after) && after >= 0:
                    options = options with { Fault = (options.Fault ?? DefaultFault) with { After = TimeSpan.FromSeconds(after) } };
                    faultDetailGiven = true;
                    break;
                case "--fault-factor" when TryPositive(value, out double factor) && factor > 1 && factor <= 1000:
                    options = options with { Fault = (options.Fault ?? DefaultFault) with { LatencyFactor = factor } };
                    faultDetailGiven = true;
                    break;
                case "--fault-error-ratio" when TryPositive(value, out double ratio) && ratio <= 1:
                    options = options with { Fault = (options.Fault ?? DefaultFault) with { ErrorRatio = ratio } };
                    faultDetailGiven = true;
                    break;
                default:
                    error = $"invalid value for {name}: '{value}'";
                    return null;
            }

            faultKindGiven |= name == "--fault";
            given.Add(name);
        }

        if (options.Signal == SignalKind.Logs && TraceOnlyOptions.FirstOrDefault(given.Contains) is { } traceOnly)
        {
            error = $"{traceOnly} is for --signal traces";
            return null;
        }

        if (options.Signal == SignalKind.Traces && given.Contains("--records-per-request"))
        {
            error = "--records-per-request is for --signal logs";
            return null;
        }

        if (faultDetailGiven && !faultKindGiven)
        {
            error = "--fault-service, --fault-after, --fault-factor and --fault-error-ratio need --fault latency|errors";
            return null;
        }

        if (options.Fault is { } fault && fault.Service >= options.Services)
        {
            error = $"--fault-service {fault.Service} is not below --services {options.Services}";
            return null;
        }

        if (options.Protocol != ExportProtocol.Grpc && !given.Contains("--endpoint"))
        {
            options = options with { Endpoint = new Uri("http://127.0.0.1:4318") };
        }

        if (options.ClientKeyPath is not null && options.ClientCertificatePath is null)
        {
            error = "--client-key needs --client-cert";
            return null;
        }

        if (durationGiven && options.Requests is not null)
        {
            error = "give --duration or --requests, not both";
            return null;
        }

        return options;
    }

    private static bool TryUri(string value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Uri? uri) =>
        Uri.TryCreate(value, UriKind.Absolute, out uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static FaultPlan DefaultFault => new(FaultKind.Errors, 0, TimeSpan.FromSeconds(60), FaultPlan.DefaultLatencyFactor, FaultPlan.DefaultErrorRatio);

    private static bool TryPositive(string value, out double number) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out number) && number > 0 && double.IsFinite(number);

    private static bool TryCount(string value, out long count) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out count) && count >= 1;
}
