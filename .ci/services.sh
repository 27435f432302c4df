#!/usr/bin/env bash
# PostgreSQL and Redis answering on 127.0.0.1 for the test suite, in any clone.
# Beside a shared/ folder that has ci-services.sh (the CI machine's own), that script decides;
# otherwise the same steps here: start them when they are installed but stopped, install them
# (Debian packages) when missing, make the suite's database once. Safe to run any number of
# times. Prints the two URLs the suite should use, as lines ready for `export`:
# TEST_DATABASE_URL=... and TEST_REDIS_URL=...
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
shared="$here/../../shared/ci-services.sh"
if [ -f "$shared" ]; then
  exec bash "$shared"
fi

redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
pg_up() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  echo "services: installing $* (Debian packages)" >&2
  as_root apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

if ! redis_up; then
  command -v redis-server >/dev/null || apt_install redis-server
  echo "services: starting Redis on 127.0.0.1:6379" >&2
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" \
    --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi

if ! pg_up; then
  command -v pg_ctlcluster >/dev/null || apt_install postgresql
  command -v pg_isready >/dev/null || apt_install postgresql-client
  ver=$(ls /etc/postgresql | sort -n | tail -1)
  hba=/etc/postgresql/$ver/main/pg_hba.conf
  # The suite connects over loopback as "postgres" without a password.
  if ! as_root grep -qE '^host\s+all\s+all\s+127\.0\.0\.1/32\s+trust' "$hba"; then
    as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  fi
  echo "services: starting PostgreSQL $ver on 127.0.0.1:5432" >&2
  as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main start \
    || as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main reload
fi

for _ in $(seq 1 60); do redis_up && pg_up && break; sleep 0.5; done
redis_up || { echo "services: Redis does not answer on 127.0.0.1:6379" >&2; exit 1; }
pg_up || { echo "services: PostgreSQL does not answer on 127.0.0.1:5432" >&2; exit 1; }

# A database of the suite's own, made once.
if ! psql -h 127.0.0.1 -U postgres -tAc "select 1 from pg_database where datname='switchboard_test'" postgres | grep -q 1; then
  psql -h 127.0.0.1 -U postgres -qc "create database switchboard_test" postgres
fi
echo "TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/switchboard_test"
echo "TEST_REDIS_URL=redis://127.0.0.1:6379/15"
