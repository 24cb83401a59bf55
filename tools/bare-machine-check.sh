#!/usr/bin/env bash
# The README's quick start on a machine with nothing but Node.js, as CI runs it (.ci/run): in a
# fresh network namespace nothing listens on 5432 or 6379, so `npm start` must start its own
# PostgreSQL (a fresh data directory) and keep the queues in it. Then:
#   1. npm run pipeline (the default 10k run) succeeds; the dashboard and /health answer;
#   2. Ctrl-C (SIGINT to the launcher's process group, as a terminal sends it) stops the api,
#      the workers and PostgreSQL, in that order, and leaves nothing running; the data persists;
#   3. a second npm start reuses the data directory (no initdb) and still has the run; a worker
#      killed with -9 is started again by the launcher and /health is ok again;
#   4. kill -9 of the launcher: its children notice and exit; the PostgreSQL it left running is
#      taken over by the next npm start, which Ctrl-C then stops with everything else.
# Any failure prints the launcher's log. Needs root (unshare), or run it with --inside in a
# namespace of your own. The data lives in data/bare-machine-check (removed on success).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" != "--inside" ]; then
  exec unshare --net bash "$0" --inside
fi
ip link set lo up 2>/dev/null || true

ROOT=$(pwd)
WORK="$ROOT/data/bare-machine-check"
export EMBEDDED_DATA_DIR="$WORK/pg" DATA_ROOT="$WORK/files" LOG_FORMAT=json
export SOURCE_ROOTS="$WORK/files"
API=http://127.0.0.1:3000
# With REDIS_URL set (a Redis in the namespace) the queues stay on Redis; without, on PostgreSQL.
EXPECTED_BACKEND=postgres
[ -n "${REDIS_URL:-}" ] && EXPECTED_BACKEND=redis
LOG=""
GROUP=""
T0=$(date +%s.%N)

elapsed() { awk -v from="${1:-$T0}" -v now="$(date +%s.%N)" 'BEGIN { printf "%.1f", now - from }'; }
say() { echo "[bare-machine $(elapsed)s] $*"; }

fail() {
  echo "bare-machine check FAILED: $*" >&2
  for log in "$WORK"/start-*.log; do
    [ -f "$log" ] || continue
    echo "----- $log (last 150 lines)" >&2
    tail -n 150 "$log" >&2
  done
  [ -f "$EMBEDDED_DATA_DIR/postgresql.log" ] && { echo "----- postgresql.log" >&2; tail -n 40 "$EMBEDDED_DATA_DIR/postgresql.log" >&2; }
  exit 1
}

cleanup() {
  local code=$?
  [ -n "$GROUP" ] && kill -KILL -- "-$GROUP" 2>/dev/null || true
  local pg
  pg=$(postgres_pid)
  [ -n "$pg" ] && kill -INT "$pg" 2>/dev/null || true
  [ $code -eq 0 ] && rm -rf "$WORK"
  exit $code
}
trap cleanup EXIT

postgres_pid() {
  local pidfile="$EMBEDDED_DATA_DIR/postmaster.pid"
  [ -f "$pidfile" ] || return 0
  local pid
  pid=$(head -n 1 "$pidfile")
  kill -0 "$pid" 2>/dev/null && echo "$pid" || true
}

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_until SECONDS COMMAND...: runs COMMAND every 0.5 s until it succeeds; fails after SECONDS.
wait_until() {
  local tries=$(($1 * 2))
  shift
  for _ in $(seq 1 "$tries"); do
    "$@" && return 0
    sleep 0.5
  done
  return 1
}

group_alive() { [ -n "$(ps -o pid= -g "$1" 2>/dev/null)" ]; }

# npm start in a session of its own: its process group is what a terminal's Ctrl-C reaches.
start() {
  LOG="$WORK/start-$1.log"
  setsid npm start >"$LOG" 2>&1 &
  GROUP=$!
  # Not this shell's job: the kill -9 below is expected, not news.
  disown
  local started
  started=$(date +%s.%N)
  for _ in $(seq 1 360); do
    curl -sf -o /dev/null "$API/health" && { say "npm start #$1: api and workers up in $(elapsed "$started") s"; return; }
    group_alive "$GROUP" || fail "npm start #$1 exited before the api answered"
    sleep 0.5
  done
  fail "the api did not answer within 180 s of npm start #$1"
}

# What Ctrl-C in the terminal does: SIGINT to every process of the foreground group.
interrupt() {
  local stopped
  stopped=$(date +%s.%N)
  kill -INT -- "-$GROUP"
  for _ in $(seq 1 120); do
    group_alive "$GROUP" || break
    sleep 0.5
  done
  group_alive "$GROUP" && fail "processes of npm start still running 60 s after Ctrl-C: $(ps -o pid=,args= -g "$GROUP")"
  GROUP=""
  say "Ctrl-C: everything stopped in $(elapsed "$stopped") s"
  assert_nothing_left
  grep -q '^all stopped' "$LOG" || fail "the launcher did not report its children stopped"
  grep -q '^embedded PostgreSQL stopped' "$LOG" || fail "the launcher did not stop the embedded PostgreSQL"
  # The order matters: the workers finish with the database before it goes.
  [ "$(grep -n '^all stopped' "$LOG" | cut -d: -f1)" -lt "$(grep -n '^stopping the embedded PostgreSQL' "$LOG" | cut -d: -f1)" ] ||
    fail "PostgreSQL was stopped before the api and workers"
}

assert_nothing_left() {
  [ -z "$(postgres_pid)" ] || fail "the embedded PostgreSQL (pid $(postgres_pid)) is still running"
  [ -z "$(pgrep -f "$ROOT/dist/apps/" || true)" ] || fail "api or worker processes still running: $(pgrep -af "$ROOT/dist/apps/")"
  # The workers' metrics ports as the stage registry gives them (the build is there: npm start made it).
  local ports
  ports=$(node -e "console.log(Object.values(require('./dist/libs/contracts/src').WORKER_METRICS_PORTS).join(' '))")
  for port in 3000 54329 $ports; do
    listening "$port" && fail "something still listens on 127.0.0.1:$port"
  done
  return 0
}

json() { node -e "const d=JSON.parse(require('fs').readFileSync(0,'utf8')); const v=($1); if (v === undefined) process.exit(1); console.log(typeof v === 'string' ? v : JSON.stringify(v))"; }

[ "$(id -u)" -eq 0 ] || echo "note: not root; the embedded PostgreSQL runs as $(id -un)"
listening 5432 && fail "something listens on 127.0.0.1:5432 in this namespace: the check needs a machine without PostgreSQL"
[ "$EXPECTED_BACKEND" = postgres ] && listening 6379 && fail "something listens on 127.0.0.1:6379 in this namespace"
# As root the server runs as the OS user postgres, which must enter every directory above the
# checkout (npm start names the first it cannot, with this fix). A CI clone under a 0700 home
# would stop the check there; open those directories so that it tests the rest.
if [ "$(id -u)" -eq 0 ] && id postgres >/dev/null 2>&1; then
  dir=""
  for part in $(echo "$ROOT" | tr / ' '); do
    dir="$dir/$part"
    runuser -u postgres -- test -x "$dir" || { echo "note: chmod o+x $dir (the postgres user cannot enter it)"; chmod o+x "$dir"; }
  done
fi
rm -rf "$WORK"
mkdir -p "$WORK/files"
npm run -s build >/dev/null

say "1. npm start on a bare machine (fresh $EMBEDDED_DATA_DIR)"
start 1
line=$(grep -m1 'starting embedded PostgreSQL 18' "$LOG") || fail "npm start did not say it starts the embedded PostgreSQL"
say "   $line"
grep -q '^initialising a new PostgreSQL 18 data directory' "$LOG" || fail "no initdb on a fresh data directory"
grep -q "queues on PostgreSQL" "$LOG" || [ "$EXPECTED_BACKEND" = redis ] || fail "npm start did not put the queues on PostgreSQL"

ran=$(date +%s.%N)
npm run -s pipeline -- --json >"$WORK/report.json" 2>"$WORK/pipeline.err" || { cat "$WORK/pipeline.err" >&2; fail "npm run pipeline failed"; }
run_id=$(json 'd.runId' <"$WORK/report.json")
[ "$(json 'd.status' <"$WORK/report.json")" = succeeded ] || fail "run $run_id did not succeed"
say "   npm run pipeline: run $run_id succeeded in $(elapsed "$ran") s"

code=$(curl -s -o /dev/null -w '%{http_code}' "$API/dashboard")
[ "$code" = 200 ] || fail "GET /dashboard answered $code"
kpis=$(curl -sf "$API/dashboard/api/kpis") || fail "GET /dashboard/api/kpis failed"
transactions=$(echo "$kpis" | json 'd.rows.find((r) => r.metric === "transactions").current_value')
[ "$transactions" = 10000 ] || fail "the dashboard's kpis show $transactions transactions, the run loaded 10000"
badge=$(curl -sf "$API/dashboard/api/status" | json 'd.lastSuccessfulRun.runId')
[ "$badge" = "$run_id" ] || fail "the dashboard's last successful run is $badge, not $run_id"
health=$(curl -s "$API/health")
echo "$health" | json 'd.status === "ok" ? "ok" : undefined' >/dev/null || fail "GET /health is not ok: $health"
echo "$health" | grep -q "\"backend\":\"$EXPECTED_BACKEND\"" || fail "GET /health does not name the $EXPECTED_BACKEND queue backend: $health"
say "   dashboard 200, kpis show the run's 10000 transactions, /health ok on the $EXPECTED_BACKEND backend"
# What max_connections (200) has to hold: the api's and the workers' pools and queue connections.
connections=$(node -e "
  const { Client } = require('pg');
  const password = require('fs').readFileSync(process.argv[1], 'utf8').trim();
  const client = new Client({ host: '127.0.0.1', port: 54329, user: 'postgres', password, database: 'postgres' });
  client.connect().then(() => client.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = \'client backend\''))
    .then((r) => { console.log(r.rows[0].n); return client.end(); });
" "$EMBEDDED_DATA_DIR/ecom-password") || fail "cannot count the embedded PostgreSQL's connections"
say "   $connections client connections open after the run (max_connections 200)"

say "2. Ctrl-C"
interrupt
[ -f "$EMBEDDED_DATA_DIR/PG_VERSION" ] || fail "the data directory did not persist"

say "3. npm start again: the same data, no initdb"
start 2
grep -q '^initialising' "$LOG" && fail "the second start ran initdb again"
curl -sf "$API/runs" | grep -q "$run_id" || fail "the second start does not know run $run_id"
say "   run $run_id still there"
say "   kill -9 of the transformer: the launcher starts it again"
worker=$(pgrep -g "$GROUP" -f "$ROOT/dist/apps/transformer/" | head -n 1)
[ -n "$worker" ] || fail "cannot find the transformer's pid"
kill -KILL "$worker"
restarted() {
  grep -q 'transformer.*exited with SIGKILL; starting it again' "$LOG" &&
    [ -n "$(pgrep -g "$GROUP" -f "$ROOT/dist/apps/transformer/" || true)" ] &&
    curl -sf -o /dev/null "$API/health"
}
wait_until 60 restarted || true
grep -q 'transformer.*exited with SIGKILL; starting it again' "$LOG" || fail "the launcher did not say it restarts the killed transformer"
new_worker=$(pgrep -g "$GROUP" -f "$ROOT/dist/apps/transformer/" | head -n 1)
[ -n "$new_worker" ] && [ "$new_worker" != "$worker" ] || fail "no new transformer process after the kill"
curl -sf -o /dev/null "$API/health" || fail "GET /health not ok 60 s after the transformer was restarted: $(curl -s "$API/health")"
say "   transformer restarted (pid $worker -> $new_worker), /health ok again"

say "4. kill -9 of the launcher"
launcher=$(pgrep -g "$GROUP" -f 'dist/tools/start.js' | head -n 1)
[ -n "$launcher" ] || fail "cannot find the launcher's pid"
kill -KILL "$launcher"
apps_gone() { [ -z "$(pgrep -f "$ROOT/dist/apps/" || true)" ]; }
wait_until 30 apps_gone || true
[ -z "$(pgrep -f "$ROOT/dist/apps/" || true)" ] || fail "api or workers outlived their killed launcher by 30 s: $(pgrep -af "$ROOT/dist/apps/")"
pg=$(postgres_pid)
say "   the api and workers exited with their launcher${pg:+; PostgreSQL (pid $pg) left running}"
GROUP=""
start 3
grep -q '^reusing the embedded PostgreSQL' "$LOG" || [ -z "$pg" ] || fail "the third start did not take over the PostgreSQL left running"
curl -sf "$API/runs" | grep -q "$run_id" || fail "after kill -9 the run $run_id is gone"
interrupt

say "passed in $(elapsed) s"
