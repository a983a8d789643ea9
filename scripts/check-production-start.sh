#!/usr/bin/env bash
# Proves the production install: in a temporary copy of what a deployment ships (package files,
# dist/, migrations/), `npm ci --omit=dev` installs no build-time package, and
# `node dist/server/main.js --migrate` under NODE_ENV=production migrates a fresh PostgreSQL
# database, answers /readyz 200, and stops cleanly on SIGTERM.
#
#   scripts/check-production-start.sh postgres://postgres@127.0.0.1:5432/<fresh database>
# Needs `npm run build` first (dist/ and the Custom UI bundles).
set -euo pipefail
cd "$(dirname "$0")/.."
database_url="${1:?usage: $0 <postgres URL of a fresh database>}"
[ -f dist/server/main.js ] || { echo "dist/server/main.js is missing: run npm run build first" >&2; exit 1; }

work="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

cp package.json package-lock.json "$work/"
cp -R dist migrations "$work/"
(cd "$work" && npm ci --omit=dev --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error)

# Build-time packages must not be there.
for dev_only in react react-dom @atlaskit/button @forge/bridge @forge/api vite tsx jest eslint; do
  if [ -e "$work/node_modules/$dev_only" ]; then echo "the production install contains $dev_only" >&2; exit 1; fi
done

port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
log="$work/service.log"
(
  cd "$work"
  exec env -i PATH="$PATH" HOME="$HOME" NODE_ENV=production PORT="$port" HOST=127.0.0.1 \
    FORGE_APP_ID=ari:cloud:ecosystem::app/59e32d7e-c2e0-406d-abc2-0b5a27042fe9 \
    UMIG_INSTALLATIONS=ari:cloud:ecosystem::installation/00000000-0000-4000-8000-0000000000c1 \
    DATABASE_URL="$database_url" UMIG_LOG_LEVEL=info \
    node dist/server/main.js --migrate
) >"$log" 2>&1 &
pid=$!

ready=""
for _ in $(seq 1 120); do
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz" || true)" = "200" ]; then ready=yes; break; fi
  sleep 0.5
done
if [ -z "$ready" ]; then
  echo "the production start did not become ready; its log:" >&2
  cat "$log" >&2
  exit 1
fi
applied="$(grep -c '"msg":"applied' "$log" || true)"
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=""
if [ "$status" -ne 0 ]; then
  echo "the production start exited $status after SIGTERM; its log:" >&2
  cat "$log" >&2
  exit 1
fi
# The operator commands run from dist/ too (no tsx on a production host).
admin_log="$work/admin.log"
if ! (cd "$work" && env -i PATH="$PATH" HOME="$HOME" NODE_ENV=production DATABASE_URL="$database_url" \
  node dist/db/admin-cli.js grant 557058:prod-check-admin --name "Production Check" >"$admin_log" 2>&1 \
  && env -i PATH="$PATH" HOME="$HOME" NODE_ENV=production DATABASE_URL="$database_url" node dist/db/admin-cli.js list >>"$admin_log" 2>&1); then
  echo "node dist/db/admin-cli.js failed on the production install; its output:" >&2
  cat "$admin_log" >&2
  exit 1
fi
grep -q 'Production Check' "$admin_log" || { echo "admin-cli list did not show the granted administrator:" >&2; cat "$admin_log" >&2; exit 1; }
echo "production start: npm ci --omit=dev, node dist/server/main.js --migrate, /readyz 200, SIGTERM exit 0, admin-cli grant + list ($(ls "$work/node_modules" | wc -l) top-level packages; migration log lines: $applied)"
