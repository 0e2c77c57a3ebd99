#!/usr/bin/env bash
# Installs the Debian packages Dais needs, only those that are missing. Idempotent; `apt-get update` runs once,
# and only when something has to be installed. Usage: tools/install-deps.sh [--browser]
set -euo pipefail

packages=(build-essential cmake ninja-build pkg-config libboost1.81-dev nlohmann-json3-dev libsqlite3-dev sqlite3
          libgtest-dev libgmock-dev libssl-dev libcli11-dev libxlsxwriter-dev libsodium-dev python3-openpyxl clang clang-format
          libclang-rt-14-dev nodejs npm postgresql-15 libpq-dev haproxy)
if [[ "${1:-}" == "--browser" ]]; then
  packages+=(chromium fonts-noto-cjk)  # the fonts: Chinese text in the browser tests' screenshots
fi

missing=()
for p in "${packages[@]}"; do
  # nodejs/npm may come from elsewhere (e.g. a preinstalled Node): accept the command being present.
  case "$p" in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
    chromium) [[ -x /usr/bin/chromium ]] && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The PostgreSQL store's tests start throwaway clusters (tests/store/pg_cluster.cpp). initdb refuses to run as
# root, so they run initdb and pg_ctl as this unprivileged system user.
if ! id -u dais-pg >/dev/null 2>&1; then
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
  $SUDO useradd --system --no-create-home --shell /usr/sbin/nologin dais-pg
fi
