# shellcheck shell=bash
# The Python >= 3.14.2 that Home Assistant 2026.x needs, sourced by scripts/setup and
# scripts/in-env. Two modes, recorded in .toolchain by scripts/setup:
#   native  a Python >= 3.14.2 from $PYTHON or PATH (or pyenv) runs everything directly;
#   chroot  no such Python here: Debian's own python3.14 (testing, "forky") in a minimal
#           Debian root built by debootstrap and cached outside the checkout; commands run
#           in it through a private mount namespace with the checkout bound at its own path.

MIN_PYTHON="3.14.2"
TOOLCHAIN_FILE=".toolchain"
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/foscam_mjpeg"
DEBIAN_ROOT="${FOSCAM_MJPEG_DEBIAN_ROOT:-$CACHE_DIR/debian-forky}"
# What the root holds besides Debian's minimal base: the interpreter, venv support, a C
# compiler for the few pinned packages without a cp314 wheel (lru-dict of 2026.3.4, the
# assist pipeline's pymicro-vad and pyspeex-noise), the CA
# list, and libturbojpeg for Home Assistant's camera component (PyTurboJPEG loads it).
DEBIAN_PACKAGES="python3.14,python3.14-venv,python3.14-dev,gcc,g++,libc6-dev,ca-certificates,libturbojpeg0"

python_ok() {
  [ -n "$1" ] && [ -x "$1" ] &&
    "$1" -c "import sys; sys.exit(sys.version_info < (${MIN_PYTHON//./, }))" 2>/dev/null
}

find_native_python() {
  local candidates=() name p root
  [ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
  for name in python3.14 python3.15 python3; do
    p=$(command -v "$name" 2>/dev/null) && candidates+=("$p")
  done
  root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
  for p in "$root"/versions/3.1[4-9]*/bin/python3 /usr/local/bin/python3.1[4-9] /usr/bin/python3.1[4-9]; do
    [ -e "$p" ] && candidates+=("$p")
  done
  for p in "${candidates[@]}"; do
    # pyenv shims fail for versions that are not selected; python_ok filters them out.
    if python_ok "$p"; then
      echo "$p"
      return 0
    fi
  done
  return 1
}

# The Debian mirror this machine's apt sources name (deb822 or one-line format).
debian_mirror() {
  local uri
  uri=$(grep -hsE '^\s*URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null |
    awk '{print $2}' | grep -v -- '-security' | head -n 1)
  [ -n "$uri" ] || uri=$(grep -hsE '^\s*deb\s' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    awk '{print $2}' | grep -v -- '-security' | head -n 1)
  echo "${uri:-http://deb.debian.org/debian}"
}

can_build_debian_root() {
  [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ] && command -v apt-get >/dev/null 2>&1 &&
    command -v unshare >/dev/null 2>&1
}

# Build the Debian root once (about 30 s); later calls, CI's fresh clones included, reuse it.
ensure_debian_root() {
  if [ -x "$DEBIAN_ROOT/usr/bin/python3.14" ]; then
    [ "$(cat "$DEBIAN_ROOT/.packages" 2>/dev/null)" = "$DEBIAN_PACKAGES" ] && return 0
    # A root from an older package list: add what is missing with the root's own apt.
    echo "scripts/setup: installing ${DEBIAN_PACKAGES//,/ } into $DEBIAN_ROOT"
    # shellcheck disable=SC2086 # the list is words
    run_in_debian_root apt-get install -y -qq ${DEBIAN_PACKAGES//,/ } >"$CACHE_DIR/apt.log" 2>&1 ||
      run_in_debian_root sh -c "apt-get update -qq && apt-get install -y -qq ${DEBIAN_PACKAGES//,/ }" \
        >"$CACHE_DIR/apt.log" 2>&1 || {
      echo "scripts/setup: apt-get in $DEBIAN_ROOT failed; see $CACHE_DIR/apt.log" >&2
      return 1
    }
    echo "$DEBIAN_PACKAGES" >"$DEBIAN_ROOT/.packages"
    return 0
  fi
  mkdir -p "$CACHE_DIR"
  exec 9>"$CACHE_DIR/.debian-root.lock"
  flock 9
  if [ ! -x "$DEBIAN_ROOT/usr/bin/python3.14" ]; then
    if ! command -v debootstrap >/dev/null 2>&1; then
      echo "scripts/setup: installing Debian's debootstrap"
      apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
    fi
    # Bookworm's debootstrap has no "forky" script; the sid script builds testing as well.
    local script=/usr/share/debootstrap/scripts/sid mirror tmp
    mirror=$(debian_mirror)
    tmp="$DEBIAN_ROOT.tmp.$$"
    rm -rf "$tmp"
    echo "scripts/setup: building a Debian testing root with Python 3.14 in $DEBIAN_ROOT (about a minute, once)"
    if ! debootstrap --variant=minbase --include="$DEBIAN_PACKAGES" forky "$tmp" "$mirror" "$script" \
      >"$CACHE_DIR/debootstrap.log" 2>&1; then
      echo "scripts/setup: debootstrap failed; see $CACHE_DIR/debootstrap.log" >&2
      tail -n 5 "$CACHE_DIR/debootstrap.log" >&2
      rm -rf "$tmp"
      return 1
    fi
    echo "$DEBIAN_PACKAGES" >"$tmp/.packages"
    rm -rf "$DEBIAN_ROOT"
    mv "$tmp" "$DEBIAN_ROOT"
  fi
  flock -u 9
}

# Run "$@" in the Debian root: private mount namespace (no mount outlives the command),
# the checkout at its own path, host /tmp, /dev, /proc, /sys, the host's DNS, hosts file
# and CA bundle. With HOST_TOOLS=1 the host's / is also at /run/host, so that a wrapper can
# start a host program (Chromium) from inside.
run_in_debian_root() {
  local repo ca
  repo=$(pwd -P)
  ca="${PIP_CERT:-${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}}"
  local -a envs=(
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    "HOME=/root" "LANG=C.UTF-8" "TERM=${TERM:-dumb}" "FOSCAM_MJPEG_IN_ROOT=1"
  )
  local var name value
  while IFS= read -r var; do
    name=${var%%=*}
    value=${var#*=}
    case "$name" in
      PATH | HOME | LANG | TERM | PYTHONHOME | PYTHONPATH | VIRTUAL_ENV | PYENV* | LD_* ) continue ;;
    esac
    # Variables naming a host path the root lacks (pip's wheel folder, say) stay outside.
    if [[ "$value" == /* ]] && [[ "$value" != *:* ]] && [ ! -e "$DEBIAN_ROOT$value" ] &&
      [[ "$value" != "$repo"* ]] && [[ "$value" != /tmp* ]]; then
      continue
    fi
    envs+=("$var")
  done < <(env | grep -E '^[A-Za-z_][A-Za-z0-9_]*=' )
  # shellcheck disable=SC2016
  unshare --mount --propagation private -- bash -c '
    set -e
    root=$1 repo=$2 ca=$3 host_tools=$4; shift 4
    mount --rbind /dev "$root/dev"
    mount -t proc proc "$root/proc"
    mount --rbind /sys "$root/sys"
    mount --rbind /tmp "$root/tmp"
    for f in /etc/resolv.conf /etc/hosts; do
      [ -e "$f" ] && { touch "$root$f"; mount --bind "$f" "$root$f"; }
    done
    [ -f "$ca" ] && mount --bind "$ca" "$root/etc/ssl/certs/ca-certificates.crt"
    mkdir -p "$root$repo"
    mount --bind "$repo" "$root$repo"
    if [ "$host_tools" = 1 ]; then
      mkdir -p "$root/run/host"
      mount --rbind / "$root/run/host"
    fi
    exec chroot "$root" /usr/bin/env -C "$repo" "$@"
  ' bash "$DEBIAN_ROOT" "$repo" "$ca" "${HOST_TOOLS:-0}" env -i "${envs[@]}" "$@"
}
