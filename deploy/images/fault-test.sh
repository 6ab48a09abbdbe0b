#!/usr/bin/env bash
# The container fault test: PostgreSQL, three silos, the standalone gateway and the load tool on one podman network,
# all from the images build.sh makes, each with the environment the dev overlay's rendered manifests give it
# (`kubectl kustomize deploy/kubernetes/overlays/dev` through tools/OtlpGrains.PodEnv), plus the few overrides a podman
# network needs, which it prints first. While the load runs, one silo gets SIGTERM (a graceful stop, as Kubernetes
# does at scale-in) and another is killed (SIGKILL, as at a node failure). The load tool, with the overlay's keys,
# then checks that every span the gateway acknowledged was counted exactly once; its exit code is this script's.
#
#   bash deploy/images/fault-test.sh [--tag TAG] [--duration SECONDS] [--rate REQUESTS_PER_S] [--keep]
#
# Needs the images silo, gateway and postgres (bash deploy/images/build.sh silo gateway postgres) and kubectl; publishes
# the load tool self-contained and runs it in a container of the base image. About 4 minutes on 2 cores (not in
# tests/run.sh). --keep leaves the containers and the network for inspection (podman logs otlpgrains-ft-silo2).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
duration=75
rate=40
value_options=(duration rate)
parse_options "$@"
require_images silo gateway postgres
command -v kubectl >/dev/null || { echo "$script: kubectl is needed to render the manifests (apt-get install kubernetes-client)" >&2; exit 2; }

work="$repo/artifacts/images"
envs="$work/fault-test-env"
net=otlpgrains-ft
prefix=10.213.77
pg_ip=$prefix.10
gateway_ip=$prefix.20
load_ip=$prefix.30
containers=(otlpgrains-ft-load otlpgrains-ft-gateway otlpgrains-ft-silo1 otlpgrains-ft-silo2 otlpgrains-ft-silo3 otlpgrains-ft-pg)

# The load tool's export deadline (CallTimeout in tools/OtlpGrains.LoadTool, as in the OTel SDKs' exporters).
sender_deadline=10
# The dev overlay's Service for its bundled PostgreSQL: the host the rendered connection string names.
database_service=otlpgrains-postgres
# The dev overlay's read key (kustomization.yaml; the render holds only its hash), for the load tool's count queries.
read_key=dev-read-key

cleanup() {
    if [ -n "$keep" ]; then
        echo "kept: ${containers[*]} and network $net"
        return
    fi
    remove_test_network "$net" "${containers[@]}"
}
trap cleanup EXIT
fresh_test_network "$net" "$prefix" "${containers[@]}"

# Seconds since the epoch with milliseconds, for the start-up times.
now() { date +%s.%N | cut -c1-14; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

echo "== render: kubectl kustomize deploy/kubernetes/overlays/dev, through tools/OtlpGrains.PodEnv"
rm -rf "$envs"
mkdir -p "$envs"
kubectl kustomize "$repo/deploy/kubernetes/overlays/dev" >"$envs/dev.yaml" 2>"$envs/kustomize.log" ||
    { echo "$script: kubectl kustomize deploy/kubernetes/overlays/dev failed:" >&2; cat "$envs/kustomize.log" >&2; exit 1; }
dotnet publish "$repo/tools/OtlpGrains.PodEnv/OtlpGrains.PodEnv.csproj" -c Release -p:UseAppHost=false -o "$work/podenv" >/dev/null
# podenv FILE ARGS...: the env file of one rendered container; podenv's one-line reason and exit 1 when it cannot.
podenv() {
    local out="$envs/$1"
    shift
    dotnet "$work/podenv/OtlpGrains.PodEnv.dll" --file "$envs/dev.yaml" "$@" >"$out" || exit 1
}
# env_value FILE NAME: a variable's value in an env file (empty when it has none).
env_value() { sed -n "s/^$2=//p" "$envs/$1" | tail -1; }

podenv postgres.env --workload StatefulSet/otlpgrains-postgres --container postgres
for n in 1 2 3; do
    # The downward API's pod name and IP: each container's own, as the kubelet gives each pod its own.
    podenv "silo$n.env" --workload Deployment/otlpgrains-silo --container silo \
        --field "metadata.name=otlpgrains-ft-silo$n" --field "status.podIP=$prefix.1$n"
done
podenv gateway.env --workload Deployment/otlpgrains-gateway --container gateway
# The agent's export header is what an OTel exporter in the cluster sends: the load tool sends the same.
podenv agent.env --workload DaemonSet/otlpgrains-agent --container agent
ingest_header="$(env_value agent.env OTEL_EXPORTER_OTLP_HEADERS)"
api_port="$(env_value gateway.env OtlpGrains__Api__Port)"
grpc_port="$(env_value gateway.env OtlpGrains__Otlp__GrpcPort)"
silo_api_port="$(env_value silo1.env OtlpGrains__Api__Port)"
[ -n "$ingest_header" ] && [ -n "$api_port" ] && [ -n "$grpc_port" ] && [ -n "$silo_api_port" ] ||
    { echo "$script: the render gives no agent export header, API port or OTLP/gRPC port" >&2; exit 1; }
if grep -q '^KUBERNETES_' "$envs"/silo*.env; then
    echo "$script: a silo's rendered environment sets KUBERNETES_* itself; on podman that would turn Kubernetes hosting on" >&2
    exit 1
fi

# What must differ on a podman network, each with its reason; every other setting is the render's.
silo_overrides=(
    # Kubernetes hosting advertises POD_IP, but it is on only where the kubelet sets KUBERNETES_SERVICE_HOST, which
    # podman does not (and there is no Kubernetes API here to watch pods). Off, the silo advertises this setting,
    # whose default 127.0.0.1 the other silos and the gateway cannot reach. Set per silo to its container's IP.
    "OtlpGrains__Cluster__AdvertisedAddress=<the container's IP>"
)
grain_timeout="$(env_value gateway.env OtlpGrains__Otlp__GrainTimeoutSeconds)"
if [ -n "$grain_timeout" ] && [ "$grain_timeout" -ge "$sender_deadline" ]; then
    # The gateway must answer UNAVAILABLE before the sender's deadline, so that the sender retries the same bytes
    # rather than give up on a request whose spans may be partly counted. The default (8 s) is below it; a manifest
    # that raises it to the deadline or above is wrong, and the exact check would report it as lost spans.
    echo "fault-test.sh: the dev overlay sets OtlpGrains__Otlp__GrainTimeoutSeconds=$grain_timeout, not below the sender's ${sender_deadline} s deadline" >&2
    exit 1
fi
echo "environment from the render: $envs/{postgres,silo1,silo2,silo3,gateway}.env"
echo "overrides for a podman network (everything else is the dev overlay's):"
echo "  silos:    KUBERNETES_SERVICE_HOST absent (podman sets none): Kubernetes hosting off, membership in PostgreSQL"
for o in "${silo_overrides[@]}"; do echo "  silos:    $o"; done
echo "  postgres: the network alias $database_service stands in for the Service's cluster DNS name"
echo "  postgres: role and database from POSTGRES_USER/POSTGRES_DB made with psql (this image's entrypoint makes only 'postgres')"
echo "  load:     --header '${ingest_header%% *} ...' (the agent's export header), --api-header with the read key $read_key"

echo "== images"
podman images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E "^localhost/otlpgrains-.*:($tag|bookworm) " || true

echo "== PostgreSQL"
# The StatefulSet runs docker.io/library/postgres; the local throwaway image stands in for it with the same variables.
podman run -d --name otlpgrains-ft-pg --network "$net" --ip "$pg_ip" --network-alias "$database_service" \
    --env-file "$envs/postgres.env" "localhost/otlpgrains-postgres:$tag" >/dev/null
deadline=$(( $(date +%s) + 60 ))
until podman exec otlpgrains-ft-pg pg_isready -q -h 127.0.0.1 2>/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "$script: PostgreSQL did not start in 60 s" >&2; podman logs otlpgrains-ft-pg >&2; exit 1; }
    sleep 0.5
done
# The official image creates POSTGRES_USER (with POSTGRES_PASSWORD) and POSTGRES_DB on first start; this one makes
# only the superuser postgres, so the same role and database are made here, from the rendered values.
pg_user="$(env_value postgres.env POSTGRES_USER)"
pg_db="$(env_value postgres.env POSTGRES_DB)"
pg_password="$(env_value postgres.env POSTGRES_PASSWORD)"
if ! printf 'CREATE ROLE "%s" LOGIN PASSWORD '\''%s'\'';\nCREATE DATABASE "%s" OWNER "%s";\n' \
    "$pg_user" "${pg_password//\'/\'\'}" "$pg_db" "$pg_user" |
    podman exec -i otlpgrains-ft-pg psql -q -v ON_ERROR_STOP=1 -h /tmp -U postgres -d postgres >/dev/null 2>"$envs/psql.log"; then
    echo "$script: could not create the role $pg_user and the database $pg_db:" >&2
    cat "$envs/psql.log" >&2
    exit 1
fi

start_silo() {
    local n="$1"
    podman run -d --name "otlpgrains-ft-silo$n" --network "$net" --ip "$prefix.1$n" --stop-timeout 60 \
        --env-file "$envs/silo$n.env" -e "OtlpGrains__Cluster__AdvertisedAddress=$prefix.1$n" \
        "localhost/otlpgrains-silo:$tag" >/dev/null
}
# silo_ready N STARTED: waits for the silo's readiness probe, as the rendered readinessProbe asks it.
silo_ready() {
    wait_ready "http://$prefix.1$1:$silo_api_port/readyz" 120 "otlpgrains-ft-silo$1"
    echo "silo$1 ready in $(since "$2") s"
}

echo "== silos"
# The first silo applies the schema; the other two start once it is ready.
t=$(now); start_silo 1; silo_ready 1 "$t"
# The silo logs how it is hosted once started (the console logger may write it just after the probe answers).
deadline=$(( $(date +%s) + 10 ))
until podman logs otlpgrains-ft-silo1 2>&1 | grep -q "Kubernetes hosting off: not in a pod"; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "$script: silo1 did not log 'Kubernetes hosting off: not in a pod' (an image from before the Kubernetes hosting? bash deploy/images/build.sh silo gateway)" >&2; exit 1; }
    sleep 0.5
done
t=$(now); start_silo 2; start_silo 3
silo_ready 2 "$t"
silo_ready 3 "$t"

echo "== gateway"
t=$(now)
podman run -d --name otlpgrains-ft-gateway --network "$net" --ip "$gateway_ip" \
    --env-file "$envs/gateway.env" "localhost/otlpgrains-gateway:$tag" >/dev/null
wait_ready "http://$gateway_ip:$api_port/readyz" 120 otlpgrains-ft-gateway
echo "gateway ready in $(since "$t") s"
# The render's keys are in force: the query API refuses a request without one.
anonymous="$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://$gateway_ip:$api_port/api/v1/services" || true)"
[ "$anonymous" = 401 ] || { echo "$script: the gateway answered $anonymous, not 401, to a query without a key" >&2; exit 1; }
echo "gateway refuses a query without a key (401)"

echo "== load tool (publish)"
rm -rf "$work/loadtool"
dotnet publish "$repo/tools/OtlpGrains.LoadTool/OtlpGrains.LoadTool.csproj" -c Release -r linux-x64 --self-contained true \
    -p:DebugType=none -p:GenerateDocumentationFile=false -o "$work/loadtool" >/dev/null

echo "== load: ${duration} s at $rate requests/s; SIGTERM to silo2 at 20 s, SIGKILL to silo3 at 40 s"
podman run -d --name otlpgrains-ft-load --network "$net" --ip "$load_ip" -v "$work/loadtool:/load:ro" \
    --entrypoint /load/OtlpGrains.LoadTool localhost/otlpgrains-base:bookworm \
    --endpoint "http://$gateway_ip:$grpc_port" --api "http://$gateway_ip:$api_port" --duration "$duration" --rate "$rate" \
    --header "$ingest_header" --api-header "authorization=Bearer $read_key" \
    --streams 4 --services 20 --spans-per-request 64 --settle 180 >/dev/null
load_started=$(date +%s)

sleep 20
t=$(now)
podman stop -t 60 otlpgrains-ft-silo2 >/dev/null
echo "silo2 stopped gracefully in $(since "$t") s (exit code $(podman inspect -f '{{.State.ExitCode}}' otlpgrains-ft-silo2))"
sleep $(( load_started + 40 - $(date +%s) > 0 ? load_started + 40 - $(date +%s) : 0 ))
podman kill -s KILL otlpgrains-ft-silo3 >/dev/null
echo "silo3 killed at $(( $(date +%s) - load_started )) s"

# The load tool ends after its duration and the settle time at most.
code=$(timeout $(( duration + 240 )) podman wait otlpgrains-ft-load || echo timeout)
echo "== load tool output"
podman logs otlpgrains-ft-load
if [ "$code" = timeout ]; then
    echo "$script: the load tool did not finish in $(( duration + 240 )) s" >&2
    exit 1
fi
echo "== load tool exit code $code (0: every acknowledged span counted exactly once)"
exit "$code"
