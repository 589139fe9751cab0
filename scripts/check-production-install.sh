#!/usr/bin/env bash
# Proves that a production install runs: the built dist/ with production dependencies only
# (`npm ci --omit=dev`) starts the subgraph in sandbox mode, answers /healthz and one GraphQL
# query, and exits 0 on SIGTERM. Anything src/ needs at run time that sits in devDependencies
# fails it. Run from anywhere; uses the node and npm first on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

START_TIMEOUT_S=30
STOP_TIMEOUT_S=15
QUERY='{"query":"{ account(provider: SIMPSY, accountId: \"acme-voice\") { plan { name } monthlyTotal { amount currency } } }"}'
EXPECTED='{"data":{"account":{"plan":{"name":"Small-Medium Enterprise"},"monthlyTotal":{"amount":"177.70","currency":"USD"}}}}'

fail() {
  echo "production install: FAILED: $*" >&2
  if [ -n "${log:-}" ] && [ -s "$log" ]; then
    echo "--- last lines of the subgraph's output ---" >&2
    tail -n 20 "$log" | tr -d '\r' >&2
  fi
  exit 1
}
command -v curl >/dev/null || fail "curl is needed"

work=$(mktemp -d)
log="$work/subgraph.log"
runner=""
cleanup() {
  # Only the process this script started, should a check have failed while it ran.
  if [ -n "$runner" ] && kill -0 "$runner" 2>/dev/null; then
    kill -TERM "$runner" 2>/dev/null || true
    wait "$runner" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "production install: building dist/ ($(node --version))"
npm run -s build
app="$work/app"
mkdir "$app"
cp -R dist schema.graphql package.json package-lock.json "$app/"

echo "production install: npm ci --omit=dev in $app"
(cd "$app" && npm ci --omit=dev --no-audit --no-fund --loglevel=error) || fail "npm ci --omit=dev failed"
for dev in jest typescript pino-pretty @swc/core; do
  [ ! -e "$app/node_modules/$dev" ] || fail "dev dependency $dev was installed"
done

# Under a pseudo-terminal the logger tries pino-pretty (a dev dependency, absent here) and must
# fall back to JSON lines; without `script`, that branch is not exercised.
cd "$app"
export HOST=127.0.0.1 PORT=0 NODE_ENV=development LOG_LEVEL=info
if command -v script >/dev/null; then
  tty_mode=yes
  script -qfec "exec node dist/main.js" "$log" >/dev/null 2>&1 &
else
  tty_mode=no
  echo "production install: no \`script\` here; starting without a terminal (pino-pretty fallback not exercised)"
  node dist/main.js >"$log" 2>&1 &
fi
runner=$!

port=""
for _ in $(seq 1 $((START_TIMEOUT_S * 10))); do
  kill -0 "$runner" 2>/dev/null || fail "the subgraph exited during start-up"
  port=$(tr -d '\r' <"$log" 2>/dev/null | sed -n 's/.*billing subgraph ready at http:\/\/localhost:\([0-9][0-9]*\)\/graphql.*/\1/p' | head -n 1)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || fail "no ready line within ${START_TIMEOUT_S}s"
if [ "$tty_mode" = yes ]; then
  grep -q 'billing subgraph ready' <(tr -d '\r' <"$log" | grep '^{') \
    || fail "under a terminal without pino-pretty, the logs are not JSON lines"
fi
echo "production install: started on port $port (terminal: $tty_mode)"

curl -fsS --max-time 5 "http://127.0.0.1:$port/healthz" >/dev/null || fail "/healthz did not answer 2xx"
answer=$(curl -fsS --max-time 10 "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' -d "$QUERY") \
  || fail "the GraphQL query failed"
[ "$answer" = "$EXPECTED" ] || fail "unexpected answer: $answer"
echo "production install: /healthz and one query answered as expected"

# The node process: with `script`, the child that exec'd into node.
node_pid=$runner
if [ "$tty_mode" = yes ]; then
  node_pid=$(ps -o pid= --ppid "$runner" | tr -d ' ' | head -n 1)
  [ -n "$node_pid" ] || fail "could not find the node process under script"
fi
kill -TERM "$node_pid"
for _ in $(seq 1 $((STOP_TIMEOUT_S * 10))); do
  kill -0 "$runner" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$runner" 2>/dev/null && fail "still running ${STOP_TIMEOUT_S}s after SIGTERM"
status=0
wait "$runner" || status=$?
runner=""
[ "$status" -eq 0 ] || fail "exit status $status after SIGTERM (expected 0)"
tr -d '\r' <"$log" | grep -q '"msg":"stopped"' || fail "no \"stopped\" log line after SIGTERM"
echo "production install: SIGTERM -> exit 0. OK"
