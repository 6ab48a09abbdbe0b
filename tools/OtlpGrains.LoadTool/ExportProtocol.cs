namespace OtlpGrains.LoadTool;

/// <summary>How requests travel (<c>--protocol</c>), named as <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> names them.</summary>
internal enum ExportProtocol
{
    /// <summary><c>grpc</c>: OTLP/gRPC, protobuf bodies.</summary>
    Grpc,

    /// <summary><c>http/protobuf</c>: OTLP/HTTP POST with protobuf bodies.</summary>
    HttpProtobuf,

    /// <summary><c>http/json</c>: OTLP/HTTP POST with OTLP JSON bodies (hex ids, 64-bit integers as strings).</summary>
    HttpJson,
}

internal static class ExportProtocols
{
    public static bool TryParse(string value, out ExportProtocol protocol)
    {
        (bool ok, protocol) = value switch
        {
            "grpc" => (true, ExportProtocol.Grpc),
            "http/protobuf" => (true, ExportProtocol.HttpProtobuf),
            "http/json" => (true, ExportProtocol.HttpJson),
            _ => (false, ExportProtocol.Grpc),
        };
        return ok;
    }

    public static string Name(this ExportProtocol protocol) => protocol switch
    {
        ExportProtocol.HttpProtobuf => "http/protobuf",
        ExportProtocol.HttpJson => "http/json",
        _ => "grpc",
    };
}
