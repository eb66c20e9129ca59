# shellcheck shell=bash
# Shared by scripts/*: where the Python >= 3.14.2 environment lives and how to run inside it.
# Sourced, not executed.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
# ../shared (real captures for the tests), wherever a symlink may point.
SHARED="$(dirname "$REPO")/shared"
CACHE="${HIKVISION_RESET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hikvision_reset}"
# Bump ROOTFS_VERSION when the package list below changes; the venv is keyed by the requirements.
ROOTFS_PACKAGES="python3.14-venv,python3.14-dev,ca-certificates,git,build-essential,libffi-dev,libssl-dev,ieee-data"
ROOTFS_KEY="$(printf '%s' "forky:$ROOTFS_PACKAGES" | sha256sum | cut -c1-12)"
ROOTFS="$CACHE/rootfs-$ROOTFS_KEY"
REQ_KEY="$(sha256sum "$REPO/requirements_test.txt" | cut -c1-12)"

die() { printf 'hikvision_reset: %s\n' "$*" >&2; exit 1; }

# A host python3.14 that is >= 3.14.2, or nothing.
host_python() {
  local py
  for py in python3.14 python3; do
    if command -v "$py" >/dev/null 2>&1 &&
      "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 14, 2) else 1)' 2>/dev/null; then
      command -v "$py"
      return 0
    fi
  done
  return 1
}

# Which environment: "host" (a venv made by a host Python) or "rootfs" (Debian forky chroot).
env_kind() {
  if [ -n "${HIKVISION_RESET_FORCE_ROOTFS:-}" ]; then echo rootfs; return; fi
  if host_python >/dev/null; then echo host; else echo rootfs; fi
}

venv_dir() {
  if [ "$(env_kind)" = host ]; then echo "$CACHE/venv-host-$REQ_KEY"; else echo "/opt/venv-$REQ_KEY"; fi
}

env_ready() {
  if [ "$(env_kind)" = host ]; then
    [ -f "$(venv_dir)/.complete" ]
  else
    [ -f "$ROOTFS/.complete" ] && [ -f "$ROOTFS$(venv_dir)/.complete" ]
  fi
}

# Run a command inside the environment with the venv on PATH, from the repo root.
in_env() {
  local venv
  venv="$(venv_dir)"
  if [ "$(env_kind)" = host ]; then
    (cd "$REPO" && PATH="$venv/bin:$PATH" VIRTUAL_ENV="$venv" "$@")
    return
  fi
  local q
  q="$(printf '%q ' "$@")"
  # A private mount namespace: the mounts vanish with the command. The repo (and ../shared when it
  # exists) appear at the same paths inside, so file names in output match the host's.
  unshare -m --propagation private -- bash -euc '
    root="$1"; repo="$2"; shared="$3"; venv="$4"; cmd="$5"
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    mount --bind /tmp "$root/tmp"  # first: the repo itself may live under /tmp
    mkdir -p "$root$repo" && mount --bind "$repo" "$root$repo"
    if [ -d "$shared" ]; then
      real="$(readlink -f "$shared")"
      mkdir -p "$root$real" && mount --bind "$real" "$root$real"
      if [ ! -e "$root$shared" ]; then mkdir -p "$root$shared" && mount --bind "$real" "$root$shared"; fi
    fi
    cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
    exec chroot "$root" /usr/bin/env -i HOME=/root TERM="${TERM:-dumb}" CI="${CI:-}" LANG=C.UTF-8 \
      PATH="$venv/bin:/usr/local/bin:/usr/bin:/bin" VIRTUAL_ENV="$venv" \
      HIKVISION_RESET_IN_ENV=1 PYTHONDONTWRITEBYTECODE="${PYTHONDONTWRITEBYTECODE:-}" \
      HIKVISION_RESET_CHROMIUM="${HIKVISION_RESET_CHROMIUM:-}" \
      bash -c "cd $(printf %q "$repo") && exec $cmd"
  ' _ "$ROOTFS" "$REPO" "$SHARED" "$venv" "$q"
}
