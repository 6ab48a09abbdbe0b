using System.Net;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Storage;
using OtlpGrains.Gateway.Configuration;
using OtlpGrains.Gateway.Hosting;
using OtlpGrains.Gateway.Security;
using OtlpGrains.Grains.Services;
using OtlpGrains.Grains;
using OtlpGrains.Hosting;
using OtlpGrains.Interfaces;
using OtlpGrains.Silo.Security;
using OtlpGrains.Silo.Storage;

namespace OtlpGrains.Silo;

/// <summary>Configures the Orleans silo: clustering, storage, grains, dashboard.</summary>
public static class SiloHostingExtensions
{
    /// <summary>The ADO.NET providers' name for Npgsql.</summary>
    public const string NpgsqlInvariant = "Npgsql";

    /// <summary>
    /// A silo on the configured ports. Single-node default: localhost clustering and in-memory storage. With
    /// <c>OtlpGrains:Storage:Provider=postgres</c>: clustering, grain state, stream subscriptions, reminders, the
    /// batch log and the kept traces in PostgreSQL. Memory streams either way.
    /// </summary>
    public static WebApplicationBuilder AddOtlpGrainsSilo(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<StorageOptions>, SiloOptionsValidator>();

        // Registered before the silo so that it runs first: a bad database stops start-up with one line.
        builder.Services.AddHostedService<PostgresStartupCheck>();

        var cluster = builder.Configuration.GetSection(ClusterConnectionOptions.SectionName).Get<ClusterConnectionOptions>() ?? new();
        var storage = builder.Configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new();
        var kubernetes = KubernetesHosting.Decide(builder.Configuration, storage);
        if (kubernetes.Problem() is { } problem)
        {
            throw new StartupException(problem);
        }

        builder.Services.AddSingleton(kubernetes);
        builder.UseOrleans(silo =>
        {
            if (storage.IsPostgres && !string.IsNullOrWhiteSpace(storage.ConnectionString))
            {
                if (kubernetes.On)
                {
                    // Before UsePostgres, whose ClusterOptions (OtlpGrains:Cluster) then win over the package's, which
                    // it reads from ORLEANS_SERVICE_ID and ORLEANS_CLUSTER_ID.
                    silo.UseKubernetesHosting();
                }

                UsePostgres(silo, cluster, storage.ConnectionString, kubernetes);
            }
            else
            {
                silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
                silo.Configure<EndpointOptions>(endpoints => endpoints.AdvertisedIPAddress = IPAddress.Loopback);
                silo.AddOtlpGrainsMemoryStorage();
                silo.AddBoundedMemoryTraceStore();
            }

            silo.UseClusterTls(builder.Configuration);
            silo.AddOtlpGrains();
            silo.AddOtlpGrainsStreams();
            silo.AddDashboard();
            if (SelfTelemetryExtensions.SelfTracesOn(builder.Configuration))
            {
                silo.AddActivityPropagation(); // grain calls as spans, for the self-traces
            }

            // Grain state in Orleans' binary format: the rolling windows are private fields a JSON mapper would miss.
            silo.Services.AddSingleton<IGrainStorageSerializer, OrleansGrainStorageSerializer>();
        });
        return builder;
    }

    private static void UsePostgres(ISiloBuilder silo, ClusterConnectionOptions cluster, string connectionString, KubernetesHosting kubernetes)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
        });
        // In a pod the others reach this silo at the pod IP (Orleans' own default would pick the node's first address).
        var advertised = kubernetes.On ? IPAddress.Parse(kubernetes.PodIp!)
            : IPAddress.TryParse(cluster.AdvertisedAddress, out var address) ? address : IPAddress.Loopback;
        silo.ConfigureEndpoints(advertised, cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: true);
        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = NpgsqlInvariant;
            o.ConnectionString = connectionString;
        });

        // Stream subscriptions (PubSubStore) too, in the same grain storage table (OrleansStorage) under their own name.
        foreach (string name in StorageNames.Hosted)
        {
            silo.AddAdoNetGrainStorage(name, o =>
            {
                o.Invariant = NpgsqlInvariant;
                o.ConnectionString = connectionString;
            });
        }

        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = NpgsqlInvariant;
            o.ConnectionString = connectionString;
        });

        // A killed silo is declared dead within about 10 s: probes every 2 s time out after 2 s, three misses and
        // two votes. The cost is a probe per silo pair every 2 s and a false suspicion after a 6 s pause (long GC).
        // A silo cut off by a partition takes longer: votes are held back while its connection carried messages within
        // MaxProbeTimeout x NumMissedProbesLimit (24 s at Orleans' default of 4 x ProbeTimeout; 12 s here).
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(2);
            o.MaxProbeTimeout = TimeSpan.FromSeconds(4);
            o.NumMissedProbesLimit = 3;
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
            o.TableRefreshTimeout = TimeSpan.FromSeconds(5);
        });

        silo.Services.AddPostgresBatchLog(connectionString);
        silo.Services.AddSingleton<IReadinessCheck, PostgresReadinessCheck>();
        silo.Services.AddSingleton<IServiceWindowStore, PostgresServiceWindowStore>();
        silo.Services.AddPostgresKeptTraceStore();
    }

    /// <summary>Maps the Orleans dashboard at <c>/dashboard</c> on the API port and logs where the silo stands.</summary>
    public static WebApplication MapOtlpGrainsDashboard(this WebApplication app)
    {
        var api = app.Services.GetRequiredService<IOptions<ApiOptions>>().Value;
        var cluster = app.Services.GetRequiredService<IOptions<ClusterConnectionOptions>>().Value;
        var storage = app.Services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var kubernetes = app.Services.GetRequiredService<KubernetesHosting>();
        app.MapOrleansDashboard(routePrefix: "/dashboard").WithMetadata(new ListenPort(api.Port));

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OtlpGrains.Silo");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            logger.LogInformation("Dashboard  on {Scheme}://{Address}:{Port}/dashboard", app.Services.GetRequiredService<IOptions<TlsOptions>>().Value.Scheme(TlsListener.Api), api.ListenAddress == "0.0.0.0" ? "127.0.0.1" : api.ListenAddress, api.Port);
            logger.LogInformation("Hosting    {Hosting}", kubernetes.Describe());
            if (storage.IsPostgres)
            {
                var database = new NpgsqlConnectionStringBuilder(storage.ConnectionString);
                logger.LogInformation("Cluster    {ClusterId}/{ServiceId}: PostgreSQL membership, silo {Address}:{SiloPort}, client gateway port {GatewayPort}",
                    cluster.ClusterId, cluster.ServiceId, kubernetes.On ? kubernetes.PodIp : cluster.AdvertisedAddress, cluster.SiloPort, cluster.GatewayPort);
                logger.LogInformation("Storage    postgres at {Host}:{Port}/{Database}: grain state, reminders, the batch log and kept traces are durable; acknowledged spans are counted exactly once",
                    database.Host, database.Port, database.Database);
            }
            else
            {
                logger.LogInformation("Cluster    {ClusterId}/{ServiceId}: localhost clustering, silo port {SiloPort}, client gateway port {GatewayPort}",
                    cluster.ClusterId, cluster.ServiceId, cluster.SiloPort, cluster.GatewayPort);
                logger.LogInformation("Storage    memory: grain state lives in this silo's memory and is lost when it stops");
            }
        });
        return app;
    }
}
