#!/usr/bin/env bash
# tests/pg/cluster.sh: a throw-away PostgreSQL cluster for the test suite.
#
#   eval "$(tests/pg/cluster.sh start)"   initdb in a temporary folder, start the
#                                         server on a Unix socket in it (and on a
#                                         free 127.0.0.1 port), create the
#                                         database tuogou_test; prints the
#                                         exports TUOGOU_TEST_PG_URL (that
#                                         database) and TUOGOU_TEST_PG_DIR
#   tests/pg/cluster.sh stop [DIR]        stop the server and remove the folder
#                                         (DIR defaults to $TUOGOU_TEST_PG_DIR)
#
# It installs nothing: it uses Debian's PostgreSQL binaries (package
# postgresql, /usr/lib/postgresql/<version>/bin).  initdb and postgres refuse
# to run as root, so as root they run as the postgres system user.  The
# cluster trusts local connections: it lives only as long as a test run.
set -u
PGBIN=${PGBIN:-}
if [ -z "$PGBIN" ]; then
	for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && { PGBIN=$d; break; }
	done
fi

as_pg() { # run a server binary as the postgres user when we are root
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() { # a TCP port nothing listens on, from a random start
	local p=$((20000 + RANDOM % 30000)) i
	for i in $(seq 1 200); do
		if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then
			echo $p
			return 0
		fi
		p=$((p + 1))
	done
	return 1
}

start() {
	[ -n "$PGBIN" ] || { echo "cluster.sh: no PostgreSQL binaries (apt-get install postgresql)" >&2; exit 1; }
	local dir port
	dir=$(mktemp -d "${TMPDIR:-/tmp}/tuogou-pg.XXXXXX") || exit 1
	chmod 0755 "$dir"
	[ "$(id -u)" = 0 ] && chown postgres: "$dir"
	if ! as_pg "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 \
		--locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
		echo "cluster.sh: initdb failed:" >&2
		cat "$dir/initdb.log" >&2
		rm -rf "$dir"
		exit 1
	fi
	# A port free when probed can be taken before the server binds it (other
	# tests' servers, clients' ephemeral ports): then try another one.
	local try started=0
	for try in 1 2 3 4 5; do
		port=$(free_port) || break
		if as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
			-o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c fsync=off -c max_connections=200" \
			start >/dev/null 2>&1; then
			started=1
			break
		fi
		grep -q "Address already in use" "$dir/server.log" 2>/dev/null || break
	done
	if [ $started != 1 ]; then
		echo "cluster.sh: the server did not start:" >&2
		tail -20 "$dir/server.log" >&2
		rm -rf "$dir"
		exit 1
	fi
	if ! "$PGBIN/psql" -X -q -h "$dir" -p "$port" -U postgres -d postgres \
		-c 'CREATE DATABASE tuogou_test' >/dev/null 2>"$dir/psql.log"; then
		echo "cluster.sh: CREATE DATABASE failed: $(cat "$dir/psql.log")" >&2
		stop "$dir"
		exit 1
	fi
	echo "export TUOGOU_TEST_PG_DIR='$dir'"
	echo "export TUOGOU_TEST_PG_URL='postgresql://postgres@/tuogou_test?host=$dir&port=$port'"
}

stop() {
	local dir=${1:-${TUOGOU_TEST_PG_DIR:-}}
	[ -n "$dir" ] && [ -d "$dir" ] || return 0
	case $dir in */tuogou-pg.*) ;; *) echo "cluster.sh: not a test cluster: $dir" >&2; return 1 ;; esac
	if [ -f "$dir/data/postmaster.pid" ]; then
		as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1
	fi
	rm -rf "$dir"
}

case ${1:-} in
start) start ;;
stop) stop "${2:-}" ;;
*) echo "usage: tests/pg/cluster.sh start|stop [DIR]" >&2; exit 2 ;;
esac
