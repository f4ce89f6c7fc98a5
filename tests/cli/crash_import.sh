#!/usr/bin/env bash
# A power cut in the middle of an import: `tuogou import` is killed with
# SIGKILL at random moments (at least 20 times).  Each time the database
# must pass PRAGMA integrity_check, and the register must be exactly the one
# before the import or exactly the one after it: never half of a bundle.
. "$(dirname "$0")/../lib.sh"
sqlite_only "SQLite files and the sqlite3 shell; PostgreSQL's WAL makes a killed import all or nothing"
need sqlite3
DB=$T/reg.db
DEMO=$TOP/data/demo-bundle.json
KILLS=${KILLS:-24}

tg import --db "$DB" "$DEMO" >/dev/null
before=$(tg export --db "$DB" --format json | sha256sum)
# The new bundle changes every association and adds people: a big transaction.
python3 - "$DEMO" "$T/new.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
for a in b["associations"]:
    a["name"] = a["name"] + "（更名）"
n = len(b["persons"])
for i in range(3000):
    b["persons"].append({"id": "PX%05d" % i, "name": "新增人员%d" % i})
json.dump(b, open(sys.argv[2], "w"), ensure_ascii=False)
PY
cp "$DB" "$T/probe.db"
tg import --db "$T/probe.db" "$T/new.json" >/dev/null
after=$(tg export --db "$T/probe.db" --format json | sha256sum)
# How long an import takes here, to spread the kills over it.
start=$(date +%s%N)
cp "$DB" "$T/probe2.db"
tg import --db "$T/probe2.db" "$T/new.json" >/dev/null
span=$((($(date +%s%N) - start) / 1000000 + 1))
echo "# an import takes about ${span} ms"

saw_before=0 saw_after=0 bad=0
for i in $(seq 1 "$KILLS"); do
	cp "$DB" "$T/k.db"
	rm -f "$T/k.db-wal" "$T/k.db-shm"
	"$TUOGOU" import --db "$T/k.db" "$T/new.json" >/dev/null 2>&1 &
	pid=$!
	delay_ms=$((RANDOM % (span + 20)))
	sleep "$(printf '0.%03d' "$delay_ms")"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	check=$(sqlite3 "$T/k.db" 'PRAGMA integrity_check;')
	state=$("$TUOGOU" export --db "$T/k.db" --format json | sha256sum)
	if [ "$check" != ok ]; then
		bad=$((bad + 1))
		fail "kill $i after ${delay_ms} ms: integrity_check says $check"
	elif [ "$state" = "$before" ]; then
		saw_before=$((saw_before + 1))
		pass "kill $i after ${delay_ms} ms: intact, the import is all out"
	elif [ "$state" = "$after" ]; then
		saw_after=$((saw_after + 1))
		pass "kill $i after ${delay_ms} ms: intact, the import is all in"
	else
		bad=$((bad + 1))
		fail "kill $i after ${delay_ms} ms: the register is neither before nor after the import"
	fi
done
echo "# all out: $saw_before, all in: $saw_after"
finish
