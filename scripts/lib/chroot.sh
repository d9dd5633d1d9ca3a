# shellcheck shell=bash
# A Debian root file system with a newer Python than the machine has, and a
# way to run commands inside it. Sourced by scripts/bootstrap-next; the run
# functions are also copied into the wrapper script it writes, so keep them
# self-contained (no globals, no other files).
#
#   next_root_create CACHE LOG   build CACHE/next-root once (atomically)
#   next_root_run [--exec] ROOT DIR CMD...
#                                run CMD inside ROOT with DIR visible at its own
#                                path, in the current directory; with DIR empty,
#                                in the root's /
#
# Mounts are made in a private mount namespace (unshare -m) so they disappear
# with the command, whatever happens to it; without unshare they go under a
# per-run directory that a trap unmounts.

NEXT_ROOT_SUITE=${KITCHEN_BLE_NEXT_SUITE:-forky}
NEXT_ROOT_MIRROR=http://deb.debian.org/debian
NEXT_ROOT_PACKAGES=python3.14,python3.14-venv,python3.14-dev,g++,ca-certificates,libturbojpeg0
NEXT_ROOT_MARKER=.kitchen_ble-root-complete

# The suite's debootstrap script; testing suites not yet known to the
# machine's debootstrap work with the one for sid.
next_root_script() {
  local dir=/usr/share/debootstrap/scripts
  if [ -e "$dir/$NEXT_ROOT_SUITE" ]; then echo "$dir/$NEXT_ROOT_SUITE"
  elif [ -e "$dir/sid" ]; then echo "$dir/sid"
  else return 1; fi
}

next_root_can_unshare() {
  [ -z "${KITCHEN_BLE_NEXT_NO_UNSHARE:-}" ] && command -v unshare >/dev/null \
    && unshare -m --propagation private true 2>/dev/null
}

# Mount points at or below $1, deepest first.
next_root_mounts_under() {
  local dir=${1%/} target
  while read -r _ target _; do
    target=$(printf '%b' "$target")  # /proc/self/mounts escapes spaces as \040
    case $target in "$dir" | "$dir"/*) echo "$target" ;; esac
  done </proc/self/mounts | sort -r
}

# rm -rf that first detaches anything mounted below the directory and never
# follows a mount it could not detach into another file system.
next_root_remove() {
  local dir=$1 target
  [ -e "$dir" ] || return 0
  while read -r target; do
    [ -n "$target" ] && umount -l "$target" 2>/dev/null || true
  done < <(next_root_mounts_under "$dir")
  if [ -n "$(next_root_mounts_under "$dir")" ]; then
    echo "refusing to remove $dir: something is still mounted below it" >&2
    return 1
  fi
  rm -rf --one-file-system "$dir"
}

# Builds CACHE/next-root unless it is complete already. The build happens in a
# temporary directory renamed into place at the end, under a lock, so an
# interrupted or concurrent build never leaves a half-made root behind.
next_root_create() {
  local cache=$1 log=$2 root=$1/next-root tmp script
  [ -f "$root/$NEXT_ROOT_MARKER" ] && return 0
  exec 8>"$cache/next-root.lock"
  flock 8
  if [ ! -f "$root/$NEXT_ROOT_MARKER" ]; then
    for tmp in "$cache"/next-root.tmp.*; do next_root_remove "$tmp"; done
    next_root_remove "$root"
    script=$(next_root_script)
    tmp=$(mktemp -d "$cache/next-root.tmp.XXXXXX")
    local launcher=()
    next_root_can_unshare && launcher=(unshare -m --propagation private --)
    if ! "${launcher[@]}" debootstrap --variant=minbase --include="$NEXT_ROOT_PACKAGES" \
      "$NEXT_ROOT_SUITE" "$tmp" "$NEXT_ROOT_MIRROR" "$script" >"$log" 2>&1; then
      next_root_remove "$tmp" || true
      exec 8>&-
      return 1
    fi
    # Files the runs bind-mount the machine's copies onto must be plain files
    # (a symbolic link would be followed outside the root).
    local file
    for file in etc/resolv.conf etc/hosts etc/ssl/certs/ca-certificates.crt; do
      if [ -L "$tmp/$file" ] || [ ! -e "$tmp/$file" ]; then rm -f "$tmp/$file"; : >"$tmp/$file"; fi
    done
    rm -f "$tmp"/var/cache/apt/archives/*.deb
    touch "$tmp/$NEXT_ROOT_MARKER"
    mv -T "$tmp" "$root"
  fi
  exec 8>&-
}

# Runs a command inside the root, as root, in the current directory (which
# must be visible inside: below DIR, below /tmp, or part of the root itself),
# or in the root's / when DIR is empty.
# The machine's /proc, /sys, /dev, /tmp, DNS configuration and CA bundle are
# mounted in, plus DIR (usually the repository) at the same path as outside so
# file names in tracebacks and coverage reports match the machine's.
# With --exec the calling shell is replaced, so that its caller sees the
# command end only once the mounts are gone.
next_root_run() {
  local replace=
  if [ "$1" = --exec ]; then replace=exec; shift; fi
  local root=$1 dir=$2 mode=trap launcher=()
  shift 2
  if next_root_can_unshare; then mode=ns launcher=(unshare -m --propagation private --); fi
  $replace "${launcher[@]}" bash -c "$(declare -f _next_root_enter _next_root_bind); _next_root_enter \"\$@\"" \
    next-root "$root" "$mode" "$dir" "$@"
}

_next_root_bind() {  # SOURCE TARGET [ro]
  if [ -d "$1" ]; then mkdir -p "$2"; mount --rbind "$1" "$2"
  else mount --bind ${3:+-o ro} "$1" "$2"; fi
}

_next_root_enter() {  # ROOT MODE DIR COMMAND...
  set -eu
  local root=$1 mode=$2 dir=$3 top=$1
  shift 3
  if [ "$mode" = trap ]; then
    # No private namespace: mount everything under a directory of this run
    # only, made private so nothing propagates, and unmount it on any exit.
    top=$(mktemp -d "$root.run.XXXXXX")
    # The trap runs after this function has returned: it carries the path.
    local q
    q=$(printf %q "$top")
    trap "umount -R $q 2>/dev/null || umount -R -l $q 2>/dev/null || true; rmdir $q 2>/dev/null || true" EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM HUP
    mount --bind "$root" "$top"
    mount --make-rprivate "$top"
  fi
  local fs
  for fs in /proc /sys /dev /tmp; do _next_root_bind "$fs" "$top$fs"; done
  [ -f /etc/resolv.conf ] && _next_root_bind /etc/resolv.conf "$top/etc/resolv.conf" ro
  [ -f /etc/hosts ] && _next_root_bind /etc/hosts "$top/etc/hosts" ro
  local cert=${PIP_CERT:-${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}}
  [ -f "$cert" ] && _next_root_bind "$cert" "$top/etc/ssl/certs/ca-certificates.crt" ro
  case ${dir%/} in
    "" | /bin | /boot | /dev | /etc | /lib | /lib32 | /lib64 | /libx32 | /opt | /proc | /run | /sbin | /sys | /tmp | /usr | /var) ;;
    *) _next_root_bind "$dir" "$top$dir" ;;
  esac

  # The machine's environment minus what names its own Python and files.
  local name
  for name in $(compgen -e); do
    case $name in
      PIP_* | PYTHONHOME | PYTHONPATH | VIRTUAL_ENV | NIX_SSL_CERT_FILE | PYENV_*) unset "$name" ;;
      SSL_CERT_FILE | REQUESTS_CA_BUNDLE | CURL_CA_BUNDLE) export "$name=/etc/ssl/certs/ca-certificates.crt" ;;
      SSL_CERT_DIR) export SSL_CERT_DIR=/etc/ssl/certs ;;
    esac
  done
  export HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  # Without DIR the current directory need not exist inside the root.
  local cwd=/
  [ -z "$dir" ] || cwd=$(pwd -P)
  if [ "$mode" = ns ]; then exec chroot "$top" /usr/bin/env -C "$cwd" "$@"; fi
  chroot "$top" /usr/bin/env -C "$cwd" "$@"
}
