#!/usr/bin/env bash
# Installs what the tests need when it is missing: Debian's chromium for the
# browser tests, and wrk and nginx (the baseline Quire is measured against)
# for `make bench`. Needs root for apt-get; without
# root it says what is missing and the tests that need it say they skip.
set -euo pipefail

want=()
command -v chromium >/dev/null 2>&1 || want+=(chromium)
if [ "${1:-}" = "bench" ]; then
  command -v wrk >/dev/null 2>&1 || want+=(wrk)
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || want+=(nginx)
fi
[ ${#want[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "deps: missing ${want[*]} (install them with apt-get as root); tests that need them will skip" >&2
  exit 0
fi
echo "deps: installing ${want[*]} with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# Installing nginx must not start Debian's own site on port 80: bench
# runs its own nginx, on a free port, with its own configuration.
norc=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && norc=1
fi
apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
[ -n "$norc" ] && rm -f /usr/sbin/policy-rc.d
exit 0
