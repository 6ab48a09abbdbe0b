#!/usr/bin/env bash
# TorchSharp inside the silo image: a silo container (memory mode) gets 10 minutes of event time from the load tool,
# `OtlpGrains.Evaluate train --kind lstm-ae` trains an LSTM autoencoder on the host from the silo's windows and
# registers it, which makes the silo in the container load the weights into LibTorch (the codec checks every upload),
# then the version is promoted to production so the service grains score with it. Exit 0 when registration and
# promotion succeed; a silo whose LibTorch cannot load refuses the upload with the loader's one-line reason.
#
#   bash deploy/images/torch-test.sh [--tag TAG] [--keep]
#
# Needs the silo image (bash deploy/images/build.sh silo) and a Release build of the solution. About 2 minutes.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
parse_options "$@"
require_images silo

net=otlpgrains-tt
prefix=10.213.79
ip=$prefix.11
cleanup() {
    if [ -n "$keep" ]; then echo "kept: otlpgrains-tt-silo and network $net"; return; fi
    remove_test_network "$net" otlpgrains-tt-silo
}
trap cleanup EXIT
fresh_test_network "$net" "$prefix" otlpgrains-tt-silo

echo "== silo (memory mode)"
podman run -d --name otlpgrains-tt-silo --network "$net" --ip "$ip" \
    -e OtlpGrains__Otlp__ListenAddress=0.0.0.0 -e OtlpGrains__Api__ListenAddress=0.0.0.0 \
    -e OtlpGrains__Security__AllowAnonymous=true \
    "localhost/otlpgrains-silo:$tag" >/dev/null
wait_ready "http://$ip:8080/readyz" 90 otlpgrains-tt-silo

echo "== load: 600 s of event time at 20x"
timeout 180 dotnet run --no-build -c Release --project "$repo/tools/OtlpGrains.LoadTool" -- \
    --endpoint "http://$ip:4317" --api "http://$ip:8080" --event-start 600 --speed 20 --duration 40 \
    --services 2 --rate 20 --streams 2 --spans-per-request 64 --settle 60 | tail -3

echo "== train lstm-ae on the host, register it in the silo (LibTorch loads it there)"
out="$(timeout 300 dotnet run --no-build -c Release --project "$repo/tools/OtlpGrains.Evaluate" -- train \
    --api "http://$ip:8080" --model red --kind lstm-ae --who torch-test --reason "LibTorch in the silo image" \
    --min-windows 20)"
echo "$out"
echo "$out" | grep -q '^registered red version' || { echo "torch-test.sh: the silo did not register the lstm-ae version" >&2; exit 1; }
version="$(echo "$out" | sed -n 's/^registered red version \([0-9]*\).*/\1/p')"

echo "== promote version $version to production"
curl -fsS -m 30 -H 'content-type: application/json' \
    -d '{"version":'"$version"',"stage":"production","who":"torch-test","reason":"LibTorch in the silo image"}' \
    "http://$ip:8080/api/v1/models/red/promote"
echo
if podman logs otlpgrains-tt-silo 2>&1 | grep -E "LibTorch did not initialise|native library did not load"; then
    echo "torch-test.sh: the silo logged a LibTorch failure" >&2
    exit 1
fi
echo "== passed: the silo in its container loaded lstm-ae weights into LibTorch"
