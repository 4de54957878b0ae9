#!/usr/bin/env bash
# Installs Debian's chromium for the browser and e2e suites (driven by playwright-core with
# executablePath /usr/bin/chromium). Idempotent: does nothing when it is already there.
# Debian's package is used instead of playwright's download because these machines reach only
# the npm registry and Debian's mirrors.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium fonts-dejavu-core
/usr/bin/chromium --version
