# shellcheck shell=bash
# The installer of the lanes' virtual environments: uv, a pinned release from
# PyPI kept in the cache, or pip where uv cannot be had. Sourced by
# scripts/bootstrap and scripts/bootstrap-next.
#
#   installer_uv CACHE PYTHON   print the path of the cached uv binary, fetching
#                               it once with the pip of PYTHON (or of the
#                               machine's python3); fails (status 1) when it
#                               cannot be had, or KITCHEN_BLE_INSTALLER=pip
#   installer_name UV           "uv X.Y.Z" or "pip", for the log
#   installer_key UV            the installer's part of an environment's key
#
# The installer is part of each environment's key, so a change of installer (a
# new uv pin, uv or the pip fallback) makes a new environment instead of reusing
# one made another way. pip adds nothing to the key: its environments keep the
# keys they had before uv came, and an unchanged set-up keeps its environment.

KITCHEN_BLE_UV_VERSION=0.13.9

installer_uv() {
  local cache=$1 python=$2 dir candidate
  [ "${KITCHEN_BLE_INSTALLER:-uv}" != pip ] || return 1
  dir=$cache/uv-$KITCHEN_BLE_UV_VERSION
  if [ ! -x "$dir/bin/uv" ]; then
    exec 7>"$cache/uv.lock"
    flock 7
    if [ ! -x "$dir/bin/uv" ]; then
      echo "installer: fetching uv $KITCHEN_BLE_UV_VERSION from PyPI" >&2
      rm -rf "$dir.tmp"
      # --target: a plain folder with the binary in bin/, no environment needed.
      for candidate in "$python" "$(command -v python3 || true)"; do
        [ -n "$candidate" ] && "$candidate" -m pip --version >/dev/null 2>&1 || continue
        rm -rf "$dir.tmp"
        "$candidate" -m pip install -q --disable-pip-version-check --no-warn-script-location --root-user-action=ignore \
          --target "$dir.tmp" "uv==$KITCHEN_BLE_UV_VERSION" 2>&1 | { grep -v "^WARNING: Location '.*' is ignored" >&2 || true; }
        "$dir.tmp/bin/uv" --version >/dev/null 2>&1 && break
      done
      if "$dir.tmp/bin/uv" --version >/dev/null 2>&1; then
        rm -rf "$dir" && mv "$dir.tmp" "$dir"
      else
        rm -rf "$dir.tmp"
        echo "installer: uv could not be installed; using pip" >&2
        exec 7>&-
        return 1
      fi
    fi
    exec 7>&-
  fi
  echo "$dir/bin/uv"
}

installer_name() {
  if [ -n "$1" ]; then echo "uv $KITCHEN_BLE_UV_VERSION"; else echo pip; fi
}

installer_key() {
  if [ -n "$1" ]; then echo "installer uv $KITCHEN_BLE_UV_VERSION"; fi
}
