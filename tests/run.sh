#!/usr/bin/env bash
# Installs what the tests need (idempotently), builds the solution in Release and runs every test project.
# Exits non-zero when the build or any test fails. Usage: bash tests/run.sh [extra dotnet test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

# Installs Debian packages (as root, or with sudo), once: callers only ask when something is missing.
install_packages() {
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "$@"
}

# PostgreSQL server binaries for the throwaway database of tests/OtlpGrains.Silo.Tests/PostgresFixture.cs. The tests
# start their own server with initdb/pg_ctl, so the distro's cluster service is stopped and not needed.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    install_packages postgresql
    # The package may start its own cluster on port 5432; the tests never use it.
    service postgresql stop >/dev/null 2>&1 || sudo service postgresql stop >/dev/null 2>&1 || true
fi

# The eBPF agent's build compiles probes/*.bpf.c with clang against a vmlinux.h that bpftool dumps from the kernel's BTF,
# and its capture tests load the programs through libbpf.so.1.
if ! command -v clang >/dev/null 2>&1 || ! command -v bpftool >/dev/null 2>&1 || [ ! -f /usr/include/bpf/bpf_helpers.h ]; then
    install_packages clang llvm libbpf-dev bpftool
fi

# tests/OtlpGrains.Grains.Tests/Protocol/IngestModelTests.cs checks tools/model/ingest.pml with spin and compiles its
# verifier with gcc.
if ! command -v spin >/dev/null 2>&1 || ! command -v gcc >/dev/null 2>&1; then
    install_packages spin gcc
fi

# The agent's TLS tests make a self-signed certificate with the openssl CLI (curl and python3 link Debian's libssl3).
if ! command -v openssl >/dev/null 2>&1; then
    install_packages openssl
fi

# The agent's two-node emulation builds network namespaces and veth pairs (ip), kube-proxy-like DNAT (iptables) and
# checks the agent's conntrack lookups against the conntrack CLI.
if ! command -v ip >/dev/null 2>&1 || ! command -v iptables >/dev/null 2>&1 || ! command -v conntrack >/dev/null 2>&1; then
    install_packages iproute2 iptables conntrack
fi

# The agent's Go and GnuTLS tests: a Go crypto/tls peer built at test time with Debian's Go (standard library only,
# offline) and Debian's gnutls-cli as a GnuTLS client.
if ! command -v go >/dev/null 2>&1 || ! command -v gnutls-cli >/dev/null 2>&1; then
    install_packages golang-go gnutls-bin
fi

# The agent's tests watch real, unmodified peers: python3's http.server and curl, redis-server and redis-cli.
if ! command -v curl >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1 || ! command -v redis-server >/dev/null 2>&1; then
    install_packages curl python3 redis-server
    # The tests start their own redis-server on a free port; the distro's service is not needed.
    service redis-server stop >/dev/null 2>&1 || sudo service redis-server stop >/dev/null 2>&1 || true
fi

# The agent's MariaDB test starts its own mariadbd (mariadb-install-db into a temp dir) and runs the mariadb client.
if [ ! -x /usr/sbin/mariadbd ] || [ ! -x /usr/bin/mariadb ]; then
    install_packages mariadb-server mariadb-client
    # The package starts its own server on port 3306; the tests never use it.
    service mariadb stop >/dev/null 2>&1 || sudo service mariadb stop >/dev/null 2>&1 || true
fi

# TorchSharp's native library needs a newer libstdc++ than Debian 12's: the build compiles a shim with cc and patches
# the output's copy with patchelf (models/Native/TorchSharpNatives.targets).
if ! command -v cc >/dev/null 2>&1 || ! command -v patchelf >/dev/null 2>&1; then
    install_packages gcc patchelf
fi

# tests/fuzz.sh fuzzes the decoders with AFL++'s afl-fuzz; the sharpfuzz tool that instruments them is a local dotnet tool.
if ! command -v afl-fuzz >/dev/null 2>&1; then
    install_packages afl++
fi

# tests/OtlpGrains.Deploy.Tests renders deploy/kubernetes with `kubectl kustomize`: Debian's kubernetes-client (kubectl
# 1.20, kustomize 2.0) is enough, and any newer kubectl already on the machine is used as it is.
if ! command -v kubectl >/dev/null 2>&1; then
    install_packages kubernetes-client
fi

# The console's browser tests (tests/OtlpGrains.Silo.Tests/OpsConsole) drive Debian's headless chromium through
# chromium-driver with Selenium; nothing is downloaded at test time.
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    install_packages chromium chromium-driver
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet tool restore
dotnet build OtlpGrains.sln -c Release

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test OtlpGrains.sln -c Release --no-build "$@" 2>&1 | tee "$log" || status=$?

# Each decoder of outside bytes under afl-fuzz for a fixed budget (about 4 minutes in all); a crash or hang fails the run.
fuzz_status=0
bash tests/fuzz.sh --no-build || fuzz_status=$?
if [ "$status" -eq 0 ]; then status=$fuzz_status; fi

# Each failed test's name, message and first stack frames again at the end, where a log cut to its tail still shows them
# (the test's own output, printed after them, can run to pages).
awk '/^  Failed [^ ]/ { keep = 1; frames = -1; print; next }
     /^  Standard Output Messages:|^(Passed|Failed)! |^Test run for / { keep = 0; next }
     keep && /^  Stack Trace:/ { frames = 0; print; next }
     keep && frames >= 0 { if (++frames > 4) next }
     keep && NF { print }' "$log" | head -n 200

# One closing line over all test projects, in the plain "N passed, N failed" form.
awk '/(Passed|Failed)! +- Failed:/ {
        gsub(/,/, ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
     }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
