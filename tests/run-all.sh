#!/usr/bin/env bash
# `npm test`: every test on SQLite and, beside it, the PostgreSQL pass of tests/postgres-files.txt.
# The two passes run at the same time: each mostly waits on daemons, servers and timers, and one
# after the other took 16 minutes on a 2-core machine where together they take about 10. The
# PostgreSQL pass's output is printed once both are done, so neither's lines cut into the other's.
set -uo pipefail
cd "$(dirname "$0")/.."

pg_log=$(mktemp -t earshot-test-postgres.XXXXXX)
trap 'rm -f "$pg_log"' EXIT
# shellcheck disable=SC2046 # one argument per listed file
EARSHOT_TEST_DB=postgres npx vitest run --project integration $(grep -v '^#' tests/postgres-files.txt) \
  >"$pg_log" 2>&1 &
pg_pid=$!

npx vitest run
sqlite=$?
wait "$pg_pid"
postgres=$?

echo
echo "── PostgreSQL pass (EARSHOT_TEST_DB=postgres, tests/postgres-files.txt) ──"
cat "$pg_log"
echo "SQLite pass: $([ "$sqlite" -eq 0 ] && echo passed || echo "FAILED (exit $sqlite)");" \
  "PostgreSQL pass: $([ "$postgres" -eq 0 ] && echo passed || echo "FAILED (exit $postgres)")"
[ "$sqlite" -eq 0 ] && [ "$postgres" -eq 0 ]
