#!/bin/sh
# Starts redis-server with the password from the file REDIS_PASSWORD_FILE names, without showing it to anyone:
# the `requirepass` line reaches Redis as configuration on its standard input, so it is on no command line
# (`ps`) and in no environment. The arguments are passed on to redis-server (port, bind, persistence...).
#
#   REDIS_PASSWORD_FILE=/run/secrets/redis_password deploy/start_redis.sh --port 6379 --save ""
#
# docker-compose.yml runs it in the redis image; `make test-scale` runs it on loopback.
set -eu

file=${REDIS_PASSWORD_FILE:-}
if [ -z "$file" ]; then
  echo "Refusing to start Redis: REDIS_PASSWORD_FILE is not set (the file holding its password)" >&2
  exit 2
fi
if [ ! -r "$file" ]; then
  echo "Refusing to start Redis: REDIS_PASSWORD_FILE: cannot read $file" >&2
  exit 2
fi
# $(...) drops the final newline; cat is given the file's name, never its content.
password=$(cat "$file")
case $password in
  "" | *[[:space:]\"\'\\]*)
    echo "Refusing to start Redis: REDIS_PASSWORD_FILE: $file must hold one word without quotes or backslashes" >&2
    exit 2
    ;;
esac

# exec: redis-server takes this shell's place, so it gets the container's stop signal itself.
exec redis-server - "$@" <<EOF
requirepass "$password"
EOF
