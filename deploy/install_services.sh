#!/usr/bin/env bash
# Installs PostgreSQL, Redis and nginx from Debian's packages when they are missing, for `make test-scale`.
# Starts none of them: the scale test runs its own instances on loopback with temporary data directories.
set -euo pipefail

missing=()
compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
((${#missing[@]})) || exit 0

echo "==> Installing ${missing[*]} from Debian's packages (apt-get)"
sudo=""
[[ $(id -u) -eq 0 ]] || sudo=sudo
# Keep the packages from starting their system-wide services (ports 80, 5432, 6379): the test needs none of them.
policy=/usr/sbin/policy-rc.d
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
  $sudo chmod +x "$policy"
  trap '$sudo rm -f "$policy"' EXIT
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "    installed: ${missing[*]}"
