#!/usr/bin/env bash
# `floe dev kafka` (the mock Kafka cluster for tests): it prints its bootstrap servers first,
# serves a real Kafka client (kcat) a round trip of 1000 messages, takes a broker down and up on
# stdin commands and keeps serving, survives EOF on stdin, stops on SIGTERM with exit 0, and
# rejects bad --topics values with exit 2 naming the value.
source "$(dirname "$0")/lib.sh"
command -v kcat >/dev/null || fail "kcat not installed"

# start_dev ARGS...: starts `floe dev kafka ARGS` with its stdin on the fifo $WORK/cmd, sets
# DEV_PID and BOOT from its first line.
start_dev() {
  rm -f "$WORK/cmd" "$WORK/dev.out"
  mkfifo "$WORK/cmd"
  "$FLOE" dev kafka "$@" <"$WORK/cmd" >"$WORK/dev.out" 2>"$WORK/dev.err" &
  DEV_PID=$!
  exec 7>"$WORK/cmd" # keep the fifo open for writing: commands go through fd 7
  for _ in $(seq 100); do
    [ -s "$WORK/dev.out" ] && break
    sleep 0.1
  done
  BOOT=$(head -n 1 "$WORK/dev.out" | sed -n 's/^bootstrap=//p')
  [ -n "$BOOT" ] || fail "no bootstrap line: $(cat "$WORK/dev.out" "$WORK/dev.err")"
}

stop_dev() {
  kill -TERM "$DEV_PID"
  local code=0
  wait "$DEV_PID" || code=$?
  [ "$code" = 0 ] || fail "floe dev kafka exited $code on SIGTERM: $(cat "$WORK/dev.err")"
}

# send_command LINE EXPECTED_REGEX: sends LINE and waits for the next answer line to match.
send_command() {
  local before
  before=$(wc -l <"$WORK/dev.out")
  echo "$1" >&7
  for _ in $(seq 100); do
    [ "$(wc -l <"$WORK/dev.out")" -gt "$before" ] && break
    sleep 0.1
  done
  local answer
  answer=$(tail -n 1 "$WORK/dev.out")
  echo "$answer" | grep -Eq -- "$2" || fail "'$1' answered '$answer', expected /$2/"
  pass "'$1' → $answer"
}

start_dev --topics profanity_words:3,output-topic:1 --brokers 3
trap 'kill "$DEV_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
echo "$BOOT" | grep -Eq '^127\.0\.0\.1:[0-9]+(,127\.0\.0\.1:[0-9]+){2}$' || fail "bootstrap '$BOOT'"
grep -q '^topic=profanity_words partitions=3$' "$WORK/dev.out" || fail "no profanity_words line"
grep -q '^topic=output-topic partitions=1$' "$WORK/dev.out" || fail "no output-topic line"
pass "bootstrap=$BOOT with its topics"

metadata=$(kcat -b "$BOOT" -L -t profanity_words)
[ "$(echo "$metadata" | grep -c 'partition [0-9]')" = 3 ] || fail "kcat sees: $metadata"
pass "kcat sees profanity_words with 3 partitions"

"$FLOE" gen --count 1000 --seed 3 --output "$WORK/in.jsonl" 2>/dev/null
kcat -b "$BOOT" -t profanity_words -P -l "$WORK/in.jsonl"
kcat -b "$BOOT" -t profanity_words -C -e -o beginning -q -f '%s\n' >"$WORK/out.jsonl"
[ "$(sort "$WORK/in.jsonl")" = "$(sort "$WORK/out.jsonl")" ] ||
  fail "consumed $(wc -l <"$WORK/out.jsonl") lines, not the 1000 produced"
pass "1000 messages round-trip through kcat"

send_command "down 2" '^ok$'
send_command "up 2" '^ok$'
send_command "down 9" '^error: .*no broker 9'
send_command "jump" "^error: unknown command 'jump'"
send_command "create late:2" '^ok$'
# Still serving after the broker came back: another round trip.
printf 'after-1\nafter-2\n' | kcat -b "$BOOT" -t output-topic -P
got=$(kcat -b "$BOOT" -t output-topic -C -e -o beginning -q -f '%s\n' | sort | tr '\n' ' ')
[ "$got" = "after-1 after-2 " ] || fail "after down/up, output-topic has: $got"
pass "serves after a broker went down and up"

# EOF on stdin does not stop it.
exec 7>&-
sleep 0.5
kill -0 "$DEV_PID" 2>/dev/null || fail "floe dev kafka stopped at EOF on stdin"
kcat -b "$BOOT" -L >/dev/null || fail "no metadata after EOF on stdin"
pass "still serving after EOF on stdin"
stop_dev
pass "SIGTERM stops it with exit 0"

# Started with </dev/null, SIGINT stops it too.
"$FLOE" dev kafka --topics a:1 </dev/null >"$WORK/dev2.out" 2>/dev/null &
pid=$!
for _ in $(seq 100); do
  [ -s "$WORK/dev2.out" ] && break
  sleep 0.1
done
grep -q '^bootstrap=127\.0\.0\.1:' "$WORK/dev2.out" || fail "no bootstrap line with </dev/null"
sleep 0.3
kill -0 "$pid" || fail "stopped after EOF on /dev/null"
kill -INT "$pid"
code=0
wait "$pid" || code=$?
[ "$code" = 0 ] || fail "SIGINT: exit $code"
pass "with </dev/null it serves until SIGINT (exit 0)"

# --help explains the commands; bad --topics values exit 2 naming the value.
"$FLOE" dev kafka --help | grep -q 'down BROKER_ID' || fail "--help does not explain the commands"
pass "--help explains the stdin commands"
for bad in x:0 x:abc x; do
  set +e
  "$FLOE" dev kafka --topics "$bad" </dev/null >/dev/null 2>"$WORK/bad.err"
  code=$?
  set -e
  [ "$code" = 2 ] || fail "--topics $bad: exit $code, expected 2"
  grep -q "'$bad'" "$WORK/bad.err" || fail "--topics $bad: message does not name it: $(cat "$WORK/bad.err")"
  pass "--topics $bad rejected with exit 2: $(cat "$WORK/bad.err")"
done

echo "kafka_dev_test: $checks checks passed"
