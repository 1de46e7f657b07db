#!/usr/bin/env bash
# Builds the local base image backstop/base-jre:17 (Debian bookworm minbase + openjdk-17-jre-headless) from Debian
# packages only, without pulling anything from a container registry: debootstrap makes a root file system, which is
# packed into a tarball and imported with `docker import`. The container tests and .ci/run build the application
# image FROM this one (ops/docker/Dockerfile, build argument BASE_IMAGE).
#
# Idempotent and fast when there is nothing to do:
#   - the image already exists                      -> exits at once (--force rebuilds it);
#   - the root file system tarball is in the cache  -> only `docker import` (a few seconds);
#   - otherwise                                     -> debootstrap (a few minutes; needs root and the debootstrap
#                                                      package), then the tarball is cached for next time.
#
# Environment:
#   BACKSTOP_BASE_IMAGE     image name (default backstop/base-jre:17)
#   BACKSTOP_CACHE_DIR      where the tarball and the downloaded .debs are kept (default ~/.cache/backstop)
#   BACKSTOP_DEBIAN_MIRROR  Debian mirror (default: the first one in /etc/apt/sources.list*, else deb.debian.org)
#   BACKSTOP_DEBIAN_SUITE   Debian suite (default bookworm)
set -euo pipefail

image="${BACKSTOP_BASE_IMAGE:-backstop/base-jre:17}"
cache_dir="${BACKSTOP_CACHE_DIR:-${HOME:-/root}/.cache/backstop}"
suite="${BACKSTOP_DEBIAN_SUITE:-bookworm}"
packages="openjdk-17-jre-headless,ca-certificates,procps,iproute2"
tarball="$cache_dir/base-jre17-${suite}-rootfs.tar"
force=0
[ "${1:-}" = "--force" ] && force=1

log() { echo "build-base-image: $*" >&2; }

if ! docker info >/dev/null 2>&1; then
    log "no Docker engine answers (docker info failed); start dockerd first"
    exit 1
fi

if [ "$force" -eq 0 ] && docker image inspect "$image" >/dev/null 2>&1; then
    log "$image already exists"
    exit 0
fi

debian_mirror() {
    if [ -n "${BACKSTOP_DEBIAN_MIRROR:-}" ]; then
        echo "$BACKSTOP_DEBIAN_MIRROR"
        return
    fi
    local uri
    # deb822 .sources files (URIs: ...) first, then one-line sources.list entries; skip the security archive.
    uri="$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ { print $2 }' | grep -v security | head -1 || true)"
    if [ -z "$uri" ]; then
        uri="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
            | awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; break } }' \
            | grep -v security | head -1 || true)"
    fi
    echo "${uri:-http://deb.debian.org/debian}"
}

if [ "$force" -eq 1 ] || [ ! -s "$tarball" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        log "debootstrap needs root (or put a root file system tarball at $tarball)"
        exit 1
    fi
    if ! command -v debootstrap >/dev/null 2>&1; then
        log "installing debootstrap"
        if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null 2>&1; then
            # a fresh machine may have no package lists yet
            DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null
        fi
    fi
    mirror="$(debian_mirror)"
    mkdir -p "$cache_dir/debs"
    work="$(mktemp -d "${TMPDIR:-/tmp}/backstop-rootfs.XXXXXX")"
    cleanup() {
        # debootstrap may leave proc/sys mounted inside the root when it fails half-way.
        for mount_point in proc sys dev/pts dev; do
            umount -l "$work/rootfs/$mount_point" 2>/dev/null || true
        done
        rm -rf -- "$work"
    }
    trap cleanup EXIT
    log "debootstrap $suite from $mirror with $packages (a few minutes; log in $work/debootstrap.log)"
    if ! debootstrap --variant=minbase --include="$packages" --cache-dir="$cache_dir/debs" \
        "$suite" "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1; then
        tail -30 "$work/debootstrap.log" >&2
        log "debootstrap failed"
        exit 1
    fi
    # Slim the root: no package lists, caches, docs or man pages are needed to run a JVM.
    rm -rf "$work/rootfs/var/lib/apt/lists/"* "$work/rootfs/var/cache/apt/"*.bin \
        "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/usr/share/doc/"* "$work/rootfs/usr/share/man/"*
    java_home="$(cd "$work/rootfs" && ls -d usr/lib/jvm/java-17-openjdk-* | head -1)"
    if [ -z "$java_home" ] || [ ! -x "$work/rootfs/$java_home/bin/java" ]; then
        log "no JRE under $work/rootfs/usr/lib/jvm"
        exit 1
    fi
    tar -C "$work/rootfs" --numeric-owner -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    log "cached $tarball ($(du -h "$tarball" | cut -f1))"
fi

java_home="$(tar -tf "$tarball" | awk '/^\.\/usr\/lib\/jvm\/java-17-openjdk-[a-z0-9]+\/$/ && !found { found = 1; sub(/^\./, ""); sub(/\/$/, ""); print }')"
if [ -z "$java_home" ]; then
    log "no /usr/lib/jvm/java-17-openjdk-* in $tarball"
    exit 1
fi
log "docker import $tarball as $image (JAVA_HOME=$java_home)"
docker import \
    --change 'ENV LANG=C.UTF-8' \
    --change "ENV JAVA_HOME=$java_home" \
    --change 'CMD ["/bin/bash"]' \
    --message "Debian $suite minbase + openjdk-17-jre-headless, built by ops/docker/build-base-image.sh" \
    "$tarball" "$image" >/dev/null
# The JRE needs /proc to find its libraries, so it is checked in a container rather than in a chroot.
if ! version="$(docker run --rm --network none "$image" java -version 2>&1)"; then
    echo "$version" >&2
    docker image rm "$image" >/dev/null 2>&1 || true
    log "java does not run in $image; removed it"
    exit 1
fi
log "$image ready: $(echo "$version" | head -1)"
