#!/usr/bin/env bash
# A real Apache Kafka broker for the tests: one KRaft node (broker and controller in one JVM) on
# free 127.0.0.1 ports, built from Maven Central's jars (tests/peers/kafka/pom.xml pins the
# version), with transactions working on one node.
#
#   kafka.sh install                      fetch the jars into the cache (nothing if there already)
#   kafka.sh start DIR [--partitions N]   start a broker whose files live in DIR; prints
#                                         bootstrap=127.0.0.1:PORT once it serves metadata.
#                                         Topics are created explicitly (`topics`), unless
#                                         --partitions is given: then a topic is created with
#                                         N partitions on first use, as by a producer
#   kafka.sh topics DIR NAME:PARTITIONS...  create topics (an existing one must match)
#   kafka.sh stop DIR                     stop the broker and its process tree
#
# The cache is ${FLOE_PEERS_CACHE:-$HOME/.cache/floe-peers}: Maven's repository (m2/) and the
# broker's class path (kafka-VERSION/lib), so a second run fetches nothing.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/maven_lib.sh"
VERSION=$(pom_property "$HERE/kafka/pom.xml" kafka.version)
HOME_DIR=$PEERS_CACHE/kafka-$VERSION

# install: the jars in $HOME_DIR/lib and the topic tool in $HOME_DIR/tools, each made once.
install() {
  maven_copy_jars "$HERE/kafka/pom.xml" "$HOME_DIR/lib" "Kafka $VERSION"
  maven_compile_tool "$HERE/kafka/CreateTopics.java" "$HOME_DIR/tools" "$HOME_DIR/lib"
}

write_config() {
  local dir=$1 port=$2 cport=$3 partitions=$4 auto_create=$5
  cat >"$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/data
num.partitions=$partitions
auto.create.topics.enable=$auto_create
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
EOF
  cat >"$dir/log4j2.properties" <<'EOF'
status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = ${sys:kafka.logs.dir}/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.state.name = state.change.logger
logger.state.level = WARN
EOF
}

# format_template DIR JAVA...: a formatted, empty log directory in $HOME_DIR/template, made once
# (a static quorum keeps the ports out of it) and copied for each broker, which saves a JVM start.
format_template() {
  local dir=$1 cluster_id
  shift
  [ ! -e "$HOME_DIR/template/meta.properties" ] || return 0
  # A cluster id is 16 random bytes in URL-safe base64 without padding.
  cluster_id=$(python3 -c 'import base64,uuid;print(base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("="))')
  rm -rf "$HOME_DIR/template.tmp"
  sed "s|^log.dirs=.*|log.dirs=$HOME_DIR/template.tmp|" "$dir/server.properties" >"$dir/format.properties"
  "$@" kafka.tools.StorageTool format --cluster-id "$cluster_id" --config "$dir/format.properties" \
    >"$dir/logs/format.log" 2>&1 || die "formatting the storage failed: $(tail -n 5 "$dir/logs/format.log")"
  mv "$HOME_DIR/template.tmp" "$HOME_DIR/template"
}

start() {
  local dir=$1 partitions=1 auto_create=false
  shift
  while [ $# -gt 0 ]; do
    case $1 in
      --partitions)
        [ $# -ge 2 ] || die "--partitions needs a number"
        partitions=$2
        auto_create=true
        shift 2
        ;;
      *) die "unknown option of start: $1" ;;
    esac
  done
  [[ $partitions =~ ^[1-9][0-9]*$ ]] || die "--partitions must be a positive number, not '$partitions'"
  [ ! -e "$dir/kafka.pid" ] || die "a broker of $dir is running already (pid $(cat "$dir/kafka.pid"))"
  install
  command -v kcat >/dev/null || die "kcat is not installed"
  mkdir -p "$dir/data" "$dir/logs"
  dir=$(cd "$dir" && pwd)
  local ports port cport cluster_id
  ports=$(free_ports 2)
  port=$(echo "$ports" | sed -n 1p)
  cport=$(echo "$ports" | sed -n 2p)
  write_config "$dir" "$port" "$cport" "$partitions" "$auto_create"
  local java=(java -Xms128m -Xmx512m -XX:+UseSerialGC -Dkafka.logs.dir="$dir/logs"
    -Dlog4j2.configurationFile="file:$dir/log4j2.properties" -cp "$HOME_DIR/lib/*")
  format_template "$dir" "${java[@]}"
  cp -a "$HOME_DIR/template/." "$dir/data/"
  # setsid: the broker leads its own process group, which `stop` ends as a whole.
  setsid "${java[@]}" kafka.Kafka "$dir/server.properties" >"$dir/logs/stdout.log" 2>&1 </dev/null &
  echo $! >"$dir/kafka.pid"
  echo "127.0.0.1:$port" >"$dir/bootstrap"
  local started=$SECONDS
  until kcat -b "127.0.0.1:$port" -L -m 2 2>/dev/null | grep -q '^ *1 brokers:'; do
    if ! kill -0 "$(cat "$dir/kafka.pid")" 2>/dev/null; then
      rm -f "$dir/kafka.pid"
      die "the broker exited during start-up: $(tail -n 20 "$dir/logs/server.log" "$dir/logs/stdout.log" 2>/dev/null)"
    fi
    if [ $((SECONDS - started)) -ge 120 ]; then
      stop "$dir"
      die "the broker did not serve metadata within 120 s (logs in $dir/logs)"
    fi
    sleep 0.2
  done
  echo "bootstrap=127.0.0.1:$port"
}

topics() {
  local dir=$1
  shift
  [ -e "$dir/bootstrap" ] || die "no broker was started in $dir"
  install
  java -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dlog4j2.level=WARN \
    -cp "$HOME_DIR/tools:$HOME_DIR/lib/*" CreateTopics "$(cat "$dir/bootstrap")" "$@" ||
    die "could not create the topics $*"
}

stop() {
  local dir=$1 pid waited=0
  [ -e "$dir/kafka.pid" ] || return 0
  pid=$(cat "$dir/kafka.pid")
  kill -TERM -- "-$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && [ $waited -lt 100 ]; do
    sleep 0.1
    waited=$((waited + 1))
  done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$dir/kafka.pid"
}

case ${1:-} in
  install) install ;;
  start)
    [ $# -ge 2 ] || die "usage: kafka.sh start DIR [--partitions N]"
    shift
    start "$@"
    ;;
  topics)
    [ $# -ge 3 ] || die "usage: kafka.sh topics DIR NAME:PARTITIONS..."
    shift
    topics "$@"
    ;;
  stop)
    [ $# -eq 2 ] || die "usage: kafka.sh stop DIR"
    stop "$2"
    ;;
  *) die "usage: kafka.sh install | start DIR [--partitions N] | topics DIR NAME:PARTITIONS... | stop DIR" ;;
esac
