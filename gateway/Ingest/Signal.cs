namespace OtlpGrains.Gateway.Ingest;

/// <summary>The three OTLP signals the gateway receives.</summary>
internal enum Signal
{
    Traces = 0,
    Metrics = 1,
    Logs = 2,
}
