#!/usr/bin/env bash
# Waits until URL answers (HTTP 2xx), printing progress; fails after SECONDS seconds.
url=$1 limit=${2:-120}
for ((waited = 0; waited < limit; waited += 2)); do
  if curl -fsS -o /dev/null "$url" 2>/dev/null; then
    exit 0
  fi
  ((waited % 20 == 0)) && echo "   waiting for $url (${waited}s)"
  sleep 2
done
echo "$url did not answer within ${limit}s" >&2
exit 1
