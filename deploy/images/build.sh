#!/usr/bin/env bash
# Builds the OtlpGrains container images (silo, standalone gateway, eBPF agent) with podman, without a registry.
#
#   bash deploy/images/build.sh [--base local|runtime-deps] [--tag TAG] [IMAGE...]
#
#   --base local         (default) FROM a Debian 12 root filesystem made here with mmdebstrap and `podman import`ed
#                        as localhost/otlpgrains-base:bookworm; needs only Debian's package mirror.
#   --base runtime-deps  FROM mcr.microsoft.com/dotnet/runtime-deps:10.0; needs that registry.
#   --tag TAG            image tag (default: dev)
#   IMAGE                silo, gateway, agent (default: these three) and/or postgres: a throwaway
#                        PostgreSQL 15 from Debian's packages for trials and fault-test.sh (always on the local base)
#
# Installs podman, runc and mmdebstrap when missing. Each image gets a self-contained `dotnet publish -r linux-x64`
# made on this host in artifacts/images/NAME/app, which is the build context of deploy/images/NAME.Containerfile.
# Images: localhost/otlpgrains-silo:TAG, localhost/otlpgrains-gateway:TAG, localhost/otlpgrains-agent:TAG.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
here="$repo/deploy/images"
work="$repo/artifacts/images"

base_kind=local
tag=dev
images=()
while [ $# -gt 0 ]; do
    case "$1" in
        --base) base_kind="${2:?--base needs local or runtime-deps}"; shift 2 ;;
        --tag) tag="${2:?--tag needs a value}"; shift 2 ;;
        silo|gateway|agent|postgres) images+=("$1"); shift ;;
        -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "build.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
[ ${#images[@]} -gt 0 ] || images=(silo gateway agent)

local_base=localhost/otlpgrains-base:bookworm
case "$base_kind" in
    local) base_image="$local_base" ;;
    runtime-deps) base_image=mcr.microsoft.com/dotnet/runtime-deps:10.0 ;;
    *) echo "build.sh: --base must be local or runtime-deps, not '$base_kind'" >&2; exit 2 ;;
esac

# podman on this kind of host needs runc and explicit ulimits (containers.conf says why).
export CONTAINERS_CONF="$here/containers.conf"

missing=()
for tool in podman runc mmdebstrap; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "${missing[@]}"
fi

# The local base: Debian 12's essential set plus what .NET and the agent load at run time. libbpf1 is for the
# agent (the other images carry it unused: 0.4 MB). No docs, man pages or locales; apt's lists are not kept.
build_local_base() {
    if podman image exists "$local_base" && [ -z "${OTLPGRAINS_REBUILD_BASE:-}" ]; then
        echo "base: $local_base exists (OTLPGRAINS_REBUILD_BASE=1 rebuilds it)"
        return
    fi
    mkdir -p "$work"
    local tarball="$work/base-bookworm.tar"
    rm -f "$tarball"
    mmdebstrap --variant=essential --mode=root \
        --include=libicu72,libssl3,ca-certificates,zlib1g,tzdata,libbpf1 \
        --dpkgopt='path-exclude=/usr/share/man/*' \
        --dpkgopt='path-exclude=/usr/share/doc/*' \
        --dpkgopt='path-include=/usr/share/doc/*/copyright' \
        --dpkgopt='path-exclude=/usr/share/info/*' \
        --dpkgopt='path-exclude=/usr/share/locale/*' \
        --dpkgopt='path-exclude=/usr/share/lintian/*' \
        --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/* "$1"/var/log/*' \
        bookworm "$tarball" http://deb.debian.org/debian
    podman import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --message "mmdebstrap --variant=essential bookworm for OtlpGrains" "$tarball" "$local_base"
    rm -f "$tarball"
}

# PostgreSQL 15 for trials: Debian 12's own server package on the same minimal root filesystem; no Containerfile, the
# root filesystem is imported with its user, entrypoint and port.
build_postgres() {
    mkdir -p "$work"
    local tarball="$work/postgres-bookworm.tar"
    rm -f "$tarball"
    mmdebstrap --variant=essential --mode=root --include=postgresql-15 \
        --dpkgopt='path-exclude=/usr/share/man/*' \
        --dpkgopt='path-exclude=/usr/share/doc/*' \
        --dpkgopt='path-exclude=/usr/share/locale/*' \
        --customize-hook='upload '"$here"'/postgres-entrypoint.sh /usr/local/bin/otlpgrains-postgres' \
        --customize-hook='chmod 0755 "$1"/usr/local/bin/otlpgrains-postgres' \
        --customize-hook='mkdir -p "$1"/var/lib/postgresql/data && chroot "$1" chown -R postgres:postgres /var/lib/postgresql' \
        --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/* "$1"/var/log/*' \
        bookworm "$tarball" http://deb.debian.org/debian
    podman import --change 'USER postgres' --change 'EXPOSE 5432' \
        --change 'ENTRYPOINT ["/usr/local/bin/otlpgrains-postgres"]' \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        "$tarball" "localhost/otlpgrains-postgres:$tag"
    rm -f "$tarball"
}

project_of() {
    case "$1" in
        silo) echo "$repo/silo/OtlpGrains.Silo.csproj" ;;
        gateway) echo "$repo/gateway/OtlpGrains.Gateway.csproj" ;;
        agent) echo "$repo/agent-ebpf/OtlpGrains.Agent.csproj" ;;
    esac
}

publish() {
    local name="$1" out="$work/$1/app"
    local extra=()
    # The build patches TorchSharp's natives for a libstdc++ without GLIBCXX_3.4.32 (models/Native). The local base
    # is Debian 12, like this host; runtime-deps' libstdc++ is newer, so that image takes LibTorchSharp unpatched.
    if [ "$base_kind" = runtime-deps ]; then extra+=(-p:OtlpGrainsTorchShim=false); fi
    rm -rf "$out"
    dotnet publish "$(project_of "$name")" -c Release -r linux-x64 --self-contained true \
        -p:DebugType=none -p:GenerateDocumentationFile=false "${extra[@]}" -o "$out"
}

if [ "$base_kind" = local ]; then
    build_local_base
elif ! podman image exists "$base_image" && ! timeout 120 podman pull -q "$base_image" >/dev/null; then
    # Before publishing anything: without the registry the build cannot finish.
    echo "build.sh: cannot pull $base_image (no registry reachable?); build with --base local instead" >&2
    exit 1
fi

for name in "${images[@]}"; do
    if [ "$name" = postgres ]; then
        echo "== postgres: image localhost/otlpgrains-postgres:$tag"
        build_postgres
        continue
    fi
    echo "== $name: publish"
    publish "$name"
    echo "== $name: image localhost/otlpgrains-$name:$tag FROM $base_image"
    podman build --build-arg "BASE=$base_image" -f "$here/$name.Containerfile" \
        -t "localhost/otlpgrains-$name:$tag" "$work/$name"
done

podman images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E '^localhost/otlpgrains-' || true
