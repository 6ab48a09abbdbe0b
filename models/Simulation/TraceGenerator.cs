namespace OtlpGrains.Models.Simulation;

/// <summary>
/// Generates one request's trace through a <see cref="Topology"/>, with the faults active at its time, and the log
/// lines of its spans. Faults act where they are injected and travel the call tree as in a real system: a callee's
/// time is inside its caller's CLIENT and SERVER spans, a callee's failure fails the caller's CLIENT span and, unless
/// the caller falls back, its SERVER span; callers with a retry policy call a failing callee again.
/// </summary>
internal sealed class TraceGenerator(
    Topology topology, IReadOnlyList<InjectedFault> faults, Random random, long startUnixNano, InstanceGauges gauges, Action<SimulatedItem> emit)
{
    /// <summary>How often a caller's request fails when a call it needs failed (the rest fall back).</summary>
    private const double FailurePropagation = 0.9;

    private const double NetworkMs = 0.4;

    private long _requests;

    /// <summary>One request at an entry point, starting at <paramref name="at"/> after the scenario's start.</summary>
    public void Request(TimeSpan at)
    {
        EntryPoint entry = PickEntry();
        Serve(NewId(16), entry.Service, entry.Operation, Nanos(at), null, SimulatedSpanKind.Server, null);
    }

    private (long End, bool Failed) Serve(
        string traceId, string serviceName, string operationName, long start, string? parentSpanId, SimulatedSpanKind kind, string? linkedSpanId)
    {
        SimulatedService service = topology.Service(serviceName);
        SimulatedOperation operation = service.Operation(operationName);
        int instance = random.Next(service.Instances);
        string pod = service.Pod(instance);
        TimeSpan at = Offset(start);
        string spanId = NewId(8);
        long requestId = ++_requests;

        double work = operation.SelfTime.Sample(random);
        double self = work;
        double errorChance = operation.ErrorRate;
        bool saturated = false;
        foreach (InjectedFault fault in faults)
        {
            if (!fault.Hits(serviceName, operationName, instance, at))
            {
                continue;
            }

            switch (fault.Kind)
            {
                case FaultKind.Latency:
                    self += new LogNormalLatency(fault.Magnitude, 0.25).Sample(random);
                    break;
                case FaultKind.CpuSaturation:
                    self *= fault.Magnitude;
                    saturated = true;
                    break;
                case FaultKind.Errors:
                    errorChance = Math.Max(errorChance, fault.Magnitude);
                    break;
                case FaultKind.RetryStorm:
                    // Retries multiply the failing service's load; the queueing slows every request it serves.
                    errorChance = Math.Max(errorChance, fault.Magnitude);
                    self *= 1 + (3 * fault.Magnitude);
                    break;
            }
        }

        // CPU follows the work done, not injected waits: a delay costs no CPU, a starved CPU does the same work slower.
        gauges.Record(serviceName, instance, work);
        Log(start, serviceName, pod, LogTemplates.Info, LogTemplates.Received(operationName, requestId), traceId, spanId);
        if (saturated && random.NextDouble() < 0.05)
        {
            Log(start, serviceName, pod, LogTemplates.Warn, LogTemplates.Backlog(20 + random.Next(200)), traceId, spanId);
        }

        bool ownFailure = random.NextDouble() < errorChance;
        long t = start + Ms(self * 0.4);
        string? failedCallee = null;
        if (!ownFailure)
        {
            (t, failedCallee) = MakeCalls(traceId, serviceName, pod, spanId, operation, t);
        }

        bool failed = ownFailure || (failedCallee is not null && random.NextDouble() < FailurePropagation);
        long end = t + Ms(self * (ownFailure ? 0.2 : 0.6));
        string? message = null;
        if (ownFailure)
        {
            message = LogTemplates.Exception(operationName, traceId, spanId, random.Next(100_000));
        }
        else if (failed)
        {
            message = LogTemplates.Downstream(operationName, failedCallee!, traceId, spanId);
        }

        if (message is not null)
        {
            Log(end, serviceName, pod, LogTemplates.Error, message, traceId, spanId);
        }
        else
        {
            Log(end, serviceName, pod, LogTemplates.Info, LogTemplates.Completed(operationName, (end - start) / 1e6), traceId, spanId);
        }

        SpanKeyValue[] attributes = kind == SimulatedSpanKind.Consumer
            ? [SpanKeyValue.Of("messaging.system", "kafka"), SpanKeyValue.Of("messaging.operation.type", "process")]
            : [SpanKeyValue.Of("http.response.status_code", failed ? 500 : 200)];
        emit(new SimulatedSpan(traceId, spanId, parentSpanId, serviceName, pod, operationName, kind, start, end, failed,
            failed ? (ownFailure ? "IllegalStateException" : $"call to {failedCallee} failed") : null, attributes, linkedSpanId));
        return (end, failed);
    }

    /// <summary>The operation's calls, one after the other or all at once; returns when they are done and which failed.</summary>
    private (long End, string? FailedCallee) MakeCalls(string traceId, string service, string pod, string parentSpanId, SimulatedOperation operation, long start)
    {
        long t = start, latest = start;
        string? failedCallee = null;
        foreach (SimulatedCall call in operation.Calls)
        {
            if (call.Probability < 1 && random.NextDouble() >= call.Probability)
            {
                continue;
            }

            long callStart = operation.ParallelCalls ? start + Ms(random.NextDouble() * 0.2) : t;
            (long end, bool failed) = call.Kind switch
            {
                CallTarget.Service => CallService(traceId, service, pod, parentSpanId, call, callStart),
                CallTarget.Database => CallDatabase(traceId, service, pod, parentSpanId, call, callStart),
                _ => Publish(traceId, service, pod, parentSpanId, call, callStart),
            };
            latest = Math.Max(latest, end);
            t = end + Ms(0.05);
            if (failed)
            {
                failedCallee ??= call.Target;
                if (!operation.ParallelCalls)
                {
                    break; // a sequential handler stops at the first call it cannot do without
                }
            }
        }

        return (operation.ParallelCalls ? latest : t, failedCallee);
    }

    private (long End, bool Failed) CallService(string traceId, string service, string pod, string parentSpanId, SimulatedCall call, long start)
    {
        long t = start;
        for (int attempt = 0; ; attempt++)
        {
            string clientId = NewId(8);
            (long serverEnd, bool failed) = Serve(traceId, call.Target, call.Operation, t + Ms(NetworkMs), clientId, SimulatedSpanKind.Server, null);
            long end = serverEnd + Ms(NetworkMs);
            emit(new SimulatedSpan(traceId, clientId, parentSpanId, service, pod, call.Operation, SimulatedSpanKind.Client, t, end, failed,
                failed ? "HTTP 500" : null,
                [SpanKeyValue.Of("peer.service", call.Target), SpanKeyValue.Of("http.response.status_code", failed ? 500 : 200)]));
            SlowCallWarning(traceId, service, pod, parentSpanId, call.Target, t, end);
            if (!failed || attempt >= call.Retries)
            {
                return (end, failed);
            }

            Log(end, service, pod, LogTemplates.Warn, LogTemplates.Retrying(call.Target, attempt + 1), traceId, parentSpanId);
            t = end + Ms(20 * (1 << attempt) * (0.5 + random.NextDouble())); // exponential backoff with jitter
        }
    }

    private (long End, bool Failed) CallDatabase(string traceId, string service, string pod, string parentSpanId, SimulatedCall call, long start)
    {
        SimulatedDatabase database = topology.Database(call.Target);
        double ms = database.Latency.Sample(random);
        TimeSpan at = Offset(start);
        foreach (InjectedFault fault in faults)
        {
            if (fault.Kind == FaultKind.SlowDependency && fault.Service == database.Name && fault.IsActive(at))
            {
                ms += new LogNormalLatency(fault.Magnitude, 0.3).Sample(random);
            }
        }

        bool failed = random.NextDouble() < database.ErrorRate;
        long end = start + Ms(ms);
        string spanId = NewId(8);
        emit(new SimulatedSpan(traceId, spanId, parentSpanId, service, pod, $"{call.Operation} {database.Name}", SimulatedSpanKind.Client, start, end, failed,
            failed ? "connection reset" : null,
            [
                SpanKeyValue.Of("db.system", database.System),
                SpanKeyValue.Of("db.system.name", database.System),
                SpanKeyValue.Of("db.operation.name", call.Operation),
                SpanKeyValue.Of("peer.service", database.Name),
                SpanKeyValue.Of("server.address", database.Name),
            ]));
        if (failed)
        {
            Log(end, service, pod, LogTemplates.Error, LogTemplates.Query(database.Name, traceId, spanId), traceId, spanId);
        }

        SlowCallWarning(traceId, service, pod, parentSpanId, database.Name, start, end);
        return (end, failed);
    }

    /// <summary>A PRODUCER span; the consumer takes the message later, as a CONSUMER span under it and linked to it.</summary>
    private (long End, bool Failed) Publish(string traceId, string service, string pod, string parentSpanId, SimulatedCall call, long start)
    {
        SimulatedTopic queue = topology.Queue(call.Target);
        string producerId = NewId(8);
        long end = start + Ms(0.5 + random.NextDouble());
        emit(new SimulatedSpan(traceId, producerId, parentSpanId, service, pod, $"{queue.Name} publish", SimulatedSpanKind.Producer, start, end, false, null,
        [
            SpanKeyValue.Of("messaging.system", "kafka"),
            SpanKeyValue.Of("messaging.destination.name", queue.Name),
            SpanKeyValue.Of("messaging.operation.type", "send"),
        ]));
        Serve(traceId, queue.ConsumerService, queue.ConsumerOperation, end + Ms(queue.Delay.Sample(random)), producerId, SimulatedSpanKind.Consumer, producerId);
        return (end, false); // the producer does not wait for the consumer, nor learn of its failure
    }

    private void SlowCallWarning(string traceId, string service, string pod, string spanId, string target, long start, long end)
    {
        if ((end - start) / 1e6 > LogTemplates.SlowCallMs)
        {
            Log(end, service, pod, LogTemplates.Warn, LogTemplates.SlowCall(target, (end - start) / 1e6), traceId, spanId);
        }
    }

    private void Log(long time, string service, string pod, int severity, string body, string traceId, string spanId) =>
        emit(new SimulatedLog(time, service, pod, severity, severity switch
        {
            >= LogTemplates.Error => "ERROR",
            >= LogTemplates.Warn => "WARN",
            _ => "INFO",
        }, body, traceId, spanId));

    private EntryPoint PickEntry()
    {
        IReadOnlyList<EntryPoint> entries = topology.Entries;
        if (entries.Count == 1)
        {
            return entries[0];
        }

        double pick = random.NextDouble() * entries.Sum(e => e.Weight);
        foreach (EntryPoint entry in entries)
        {
            pick -= entry.Weight;
            if (pick < 0)
            {
                return entry;
            }
        }

        return entries[^1];
    }

    private string NewId(int bytes)
    {
        Span<byte> id = stackalloc byte[bytes];
        random.NextBytes(id);
        id[0] |= 1; // never all zeros, which OTLP reads as "no id"
        return Convert.ToHexStringLower(id);
    }

    private long Nanos(TimeSpan at) => startUnixNano + (at.Ticks * 100);

    private TimeSpan Offset(long unixNano) => TimeSpan.FromTicks((unixNano - startUnixNano) / 100);

    private static long Ms(double ms) => (long)(ms * 1e6);
}
