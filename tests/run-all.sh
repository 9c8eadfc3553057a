#!/usr/bin/env bash
# `npm test`: every test on SQLite (`npm run test:sqlite`) and, beside it, the PostgreSQL pass of
# tests/postgres-files.txt (`npm run test:postgres:ci`). Both mostly wait on daemons, servers and
# timers: one after the other they took 640 + 301 s on a 2-core machine, side by side 631 s
# (2026-12-03). The PostgreSQL pass's output is printed once both are done, so neither's lines
# cut into the other's.
set -uo pipefail
cd "$(dirname "$0")/.."

pg_log=$(mktemp -t earshot-test-postgres.XXXXXX)
trap 'rm -f "$pg_log"' EXIT
npm run -s test:postgres:ci >"$pg_log" 2>&1 &
pg_pid=$!

npm run -s test:sqlite
sqlite=$?
wait "$pg_pid"
postgres=$?

echo
echo "── PostgreSQL pass (EARSHOT_TEST_DB=postgres, tests/postgres-files.txt) ──"
cat "$pg_log"
echo "SQLite pass: $([ "$sqlite" -eq 0 ] && echo passed || echo "FAILED (exit $sqlite)");" \
  "PostgreSQL pass: $([ "$postgres" -eq 0 ] && echo passed || echo "FAILED (exit $postgres)")"
[ "$sqlite" -eq 0 ] && [ "$postgres" -eq 0 ]
