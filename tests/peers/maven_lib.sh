# Maven Central fetch-and-cache for the Java peers (sourced by kafka.sh, iceberg_rest.sh,
# nessie.sh): each peer's pom.xml pins its jars; they are copied once into the cache
# ${FLOE_PEERS_CACHE:-$HOME/.cache/floe-peers} (Maven's repository in m2/, the class path in
# NAME-VERSION/lib), so a second run fetches nothing. Also what their servers share: free
# ports, stopping a process by its pid file, and die().

PEERS_CACHE=${FLOE_PEERS_CACHE:-$HOME/.cache/floe-peers}

die() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}

# pom_property POM NAME: the value of <NAME> in POM's properties (the pinned version).
pom_property() {
  sed -n "s|.*<$2>\(.*\)</$2>.*|\1|p" "$1"
}

# maven_copy_jars POM LIB_DIR WHAT: POM's runtime class path copied into LIB_DIR, unless a
# previous copy completed (LIB_DIR/.complete); WHAT names it in errors.
maven_copy_jars() {
  local pom=$1 lib=$2 what=$3
  command -v java >/dev/null || die "java (17) is not installed"
  [ ! -e "$lib/.complete" ] || return 0
  command -v mvn >/dev/null || die "mvn is not installed"
  rm -rf "$lib"
  mkdir -p "$(dirname "$lib")"
  mvn -q -B -Dmaven.repo.local="$PEERS_CACHE/m2" -f "$pom" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$lib" >&2 ||
    die "could not fetch the $what jars with Maven"
  touch "$lib/.complete"
}

# maven_compile_tool JAVA_FILE CLASS_DIR LIB_DIR: compiles a helper of ours against LIB_DIR's
# jars into CLASS_DIR, again only when the source is newer than its class.
maven_compile_tool() {
  local source=$1 classes=$2 lib=$3 class
  class="$classes/$(basename "$source" .java).class"
  [ ! -e "$class" ] || [ "$source" -nt "$class" ] || return 0
  mkdir -p "$classes"
  javac -d "$classes" -cp "$lib/*" "$source" || die "could not compile $(basename "$source")"
}

# stop_pid_file FILE: stops the process FILE names (TERM, then KILL after 10 s) and removes FILE.
stop_pid_file() {
  local file=$1 pid _
  [ -e "$file" ] || return 0
  pid=$(cat "$file")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$file"
}

# free_ports N: N distinct free TCP ports on 127.0.0.1, one per line.
free_ports() {
  python3 -c '
import socket, sys
held = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    held.append(s)
print("\n".join(str(s.getsockname()[1]) for s in held))
' "$1"
}
