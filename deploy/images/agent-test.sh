#!/usr/bin/env bash
# The agent image for real: a silo (memory mode, its co-hosted gateway) and the agent, privileged with the host's
# PID namespace as the DaemonSet runs it, on one podman network. A Python HTTP server on the host answers curl; the
# agent captures the exchange in the kernel and exports the server span, which must appear as the service
# `http.server` in the silo's /api/v1/services. Exit 0 when it does.
#
#   bash deploy/images/agent-test.sh [--tag TAG] [--keep]
#
# Needs the images silo and agent (bash deploy/images/build.sh silo agent), root, python3 and curl. About 1 minute.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
parse_options "$@"
require_images silo agent

net=otlpgrains-at
prefix=10.213.78
silo_ip=$prefix.11
port=18731
server_pid=""
containers=(otlpgrains-at-agent otlpgrains-at-silo)
cleanup() {
    [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
    if [ -n "$keep" ]; then echo "kept: otlpgrains-at-silo, otlpgrains-at-agent and network $net"; return; fi
    remove_test_network "$net" "${containers[@]}"
}
trap cleanup EXIT
fresh_test_network "$net" "$prefix" "${containers[@]}"

echo "== silo (memory mode)"
podman run -d --name otlpgrains-at-silo --network "$net" --ip "$silo_ip" \
    -e OtlpGrains__Otlp__ListenAddress=0.0.0.0 -e OtlpGrains__Api__ListenAddress=0.0.0.0 \
    -e OtlpGrains__Security__AllowAnonymous=true -e OtlpGrains__Traces__IdleSeconds=1 \
    "localhost/otlpgrains-silo:$tag" >/dev/null
wait_ready "http://$silo_ip:8080/readyz" 90 otlpgrains-at-silo

echo "== agent (privileged, host PID), following port $port"
podman run -d --name otlpgrains-at-agent --network "$net" --privileged --pid=host \
    -v /sys/kernel/btf:/sys/kernel/btf:ro -v /sys/kernel/tracing:/sys/kernel/tracing \
    -v /sys/fs/cgroup:/sys/fs/cgroup:ro -e "OTEL_EXPORTER_OTLP_ENDPOINT=http://$silo_ip:4317" \
    "localhost/otlpgrains-agent:$tag" --port "$port" --no-tls >/dev/null
deadline=$(( $(date +%s) + 60 ))
until podman logs otlpgrains-at-agent 2>&1 | grep -qi "captur"; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "agent-test.sh: the agent did not start capturing in 60 s" >&2; podman logs otlpgrains-at-agent >&2; exit 1; }
    sleep 0.5
done
if podman logs otlpgrains-at-agent 2>&1 | grep -q "capture DISABLED"; then
    echo "agent-test.sh: the agent could not load BPF in its container:" >&2
    podman logs otlpgrains-at-agent >&2
    exit 1
fi

echo "== curl to python3 -m http.server $port on the host"
served="$(mktemp -d)"
echo hello > "$served/index.html"
(cd "$served" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
server_pid=$!
deadline=$(( $(date +%s) + 60 ))
found=""
while [ "$(date +%s)" -lt "$deadline" ]; do
    curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$port/index.html" 2>/dev/null || true
    if curl -fsS -m 2 "http://$silo_ip:8080/api/v1/services" 2>/dev/null | grep -q '"http.server"'; then
        found=1
        break
    fi
    sleep 1
done
if [ -z "$found" ]; then
    echo "agent-test.sh: no service http.server reached the silo in 60 s; the agent's log:" >&2
    podman logs --tail 30 otlpgrains-at-agent >&2
    exit 1
fi
echo "== passed: the agent's span for the host's http.server reached the gateway"
curl -fsS -m 2 "http://$silo_ip:8080/api/v1/services" | head -c 600; echo
