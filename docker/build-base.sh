#!/usr/bin/env bash
# Build a Debian base image with no registry: debootstrap a minimal bookworm root (its
# python3 is 3.11, matching the cp311 torch wheel) and `docker import` it.
#
# The tag carries a hash of this recipe, so an unchanged recipe is never rebuilt:
#   docker/build-base.sh            -> prints the tag on its last line (builds it if missing)
# Needs root, debootstrap and a running Docker engine; reaches only the Debian mirror.
set -euo pipefail

SUITE=${SUITE:-bookworm}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# What the grading image needs from the OS: Python with venv and pip, TLS roots for pip.
PACKAGES=python3,python3-venv,python3-pip,ca-certificates
REPO=${BASE_REPO:-autograder-base}

here=$(cd "$(dirname "$0")" && pwd)
# The mirror is not part of the hash: any mirror serves the same suite.
hash=$( { cat "$0"; echo "$SUITE $PACKAGES"; } | sha256sum | cut -c1-12)
tag="$REPO:$SUITE-$hash"

if docker image inspect "$tag" >/dev/null 2>&1; then
    echo "base image $tag is up to date" >&2
    echo "$tag"
    exit 0
fi
command -v debootstrap >/dev/null || {
    echo "debootstrap is missing: apt-get install -y debootstrap" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "debootstrap needs root: run this as root" >&2; exit 1; }

work=$(mktemp -d /var/tmp/ag-base.XXXXXX)
trap 'rm -rf --one-file-system "$work"' EXIT  # never into a proc/sys mount left by a failed run
echo "debootstrap $SUITE from $MIRROR into $work (a few minutes) ..." >&2
debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$work/root" "$MIRROR" >&2
# Smaller and reproducible-ish: no package lists, caches, docs or logs in the image.
chroot "$work/root" apt-get clean
rm -rf "$work/root"/var/lib/apt/lists/* "$work/root"/var/cache/apt/*.bin "$work/root"/var/log/* \
       "$work/root"/usr/share/doc/* "$work/root"/usr/share/man/* "$work/root"/usr/share/locale/*
# Name resolution files are bind-mounted by Docker at run time; debootstrap copied the host's.
: > "$work/root/etc/resolv.conf"
: > "$work/root/etc/hostname"

tar --numeric-owner -C "$work/root" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["/bin/bash"]' \
    --message "debootstrap $SUITE minbase + $PACKAGES ($here/build-base.sh)" \
    - "$tag" >&2
echo "built base image $tag" >&2
echo "$tag"
