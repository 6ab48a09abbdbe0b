namespace OtlpGrains.Agent.Metrics;

/// <summary>The semantic-convention duration histograms the agent reports.</summary>
public enum RedMetric
{
    /// <summary>http.server.request.duration, seconds.</summary>
    HttpServer,

    /// <summary>http.client.request.duration, seconds.</summary>
    HttpClient,

    /// <summary>rpc.server.duration, milliseconds.</summary>
    RpcServer,

    /// <summary>rpc.client.duration, milliseconds.</summary>
    RpcClient,

    /// <summary>db.client.operation.duration, seconds.</summary>
    DbClient,
}
