#!/usr/bin/env bash
# A real query stack for tests and for trying Sluice locally: a Hive 4.0.1 standalone metastore (its
# own JVM, thrift on 127.0.0.1) and a Trino 476 server (Temurin 25, 127.0.0.1) with hive and hudi
# catalogs on that metastore. Everything comes from Maven Central and is cached.
#
#   e2e/stack/stack.sh start RUN_DIR [HMS_PORT] [TRINO_PORT]   # prints "metastore=thrift://… trino=http://…"
#   e2e/stack/stack.sh stop RUN_DIR
#
# Env: SLUICE_STACK_CACHE (default ~/.cache/sluice-stack), TRINO_JAVA_HOME (default Temurin 25),
#      JAVA_HOME for the metastore (Java 17).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${SLUICE_STACK_CACHE:-$HOME/.cache/sluice-stack}"
TRINO_VERSION=476
TRINO_JAVA_HOME="${TRINO_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
MVN=(mvn -q -B --settings "$ROOT/.mvn/settings.xml")

fetch() {
  mkdir -p "$CACHE"
  if [ ! -x "$CACHE/trino-server-$TRINO_VERSION/bin/launcher" ]; then
    echo "stack: fetching io.trino:trino-server:$TRINO_VERSION from Maven Central (once, ~820 MB)" >&2
    "${MVN[@]}" dependency:copy -Dartifact="io.trino:trino-server:$TRINO_VERSION:tar.gz" -DoutputDirectory="$CACHE" >&2
    tar xzf "$CACHE/trino-server-$TRINO_VERSION.tar.gz" -C "$CACHE" && rm -f "$CACHE/trino-server-$TRINO_VERSION.tar.gz"
  fi
  if [ ! -f "$CACHE/hms-lib/.complete" ]; then
    echo "stack: fetching the Hive 4.0.1 standalone metastore from Maven Central (once)" >&2
    rm -rf "$CACHE/hms-lib"
    "${MVN[@]}" -f "$ROOT/e2e/stack/metastore/pom.xml" dependency:copy-dependencies -DoutputDirectory="$CACHE/hms-lib" >&2
    # One logging binding: keep log4j2's, drop log4j 1 bridges that would also bind slf4j.
    rm -f "$CACHE"/hms-lib/slf4j-log4j12-*.jar "$CACHE"/hms-lib/slf4j-reload4j-*.jar
    touch "$CACHE/hms-lib/.complete"
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
    || "$JAVA" -XshowSettings:none "$ROOT/e2e/stack/FreePort.java"
}

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
  local secs=$1 what=$2; shift 2
  for ((i = 0; i < secs; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  echo "stack: $what did not come up within ${secs}s" >&2
  return 1
}

start() {
  local run=$1 hms=${2:-$(free_port)} trino=${3:-$(free_port)}
  [ -x "$TRINO_JAVA_HOME/bin/java" ] || { echo "stack: Trino $TRINO_VERSION needs Java 24+: set TRINO_JAVA_HOME" >&2; exit 2; }
  fetch
  mkdir -p "$run/hms/conf" "$run/trino/etc/catalog" "$run/trino/data"
  cat > "$run/hms/conf/metastore-site.xml" <<XML
<configuration>
  <property><name>metastore.thrift.bind.host</name><value>127.0.0.1</value></property>
  <property><name>metastore.thrift.port</name><value>$hms</value></property>
  <property><name>javax.jdo.option.ConnectionURL</name><value>jdbc:derby:;databaseName=$run/hms/metastore_db;create=true</value></property>
  <property><name>javax.jdo.option.ConnectionDriverName</name><value>org.apache.derby.jdbc.EmbeddedDriver</value></property>
  <property><name>metastore.schema.verification</name><value>false</value></property>
  <property><name>datanucleus.schema.autoCreateAll</name><value>true</value></property>
  <property><name>metastore.warehouse.dir</name><value>file://$run/hms/warehouse</value></property>
  <property><name>metastore.event.db.notification.api.auth</name><value>false</value></property>
</configuration>
XML
  # Detached with all three standard streams redirected, so callers reading our output see it end.
  (cd "$run/hms" && exec "$JAVA" -Xmx512m --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
      --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
      -cp "$run/hms/conf:$CACHE/hms-lib/*" org.apache.hadoop.hive.metastore.HiveMetaStore) > "$run/hms/out.log" 2>&1 < /dev/null &
  echo $! > "$run/hms/pid"
  local T="$run/trino/etc"
  printf 'node.environment=sluice\nnode.id=sluice-stack\nnode.data-dir=%s\nnode.internal-address=127.0.0.1\n' "$run/trino/data" > "$T/node.properties"
  printf -- '-server\n-Xmx1G\n-XX:+UseG1GC\n-XX:+ExitOnOutOfMemoryError\n-Djdk.attach.allowAttachSelf=true\n-Dfile.encoding=UTF-8\n' > "$T/jvm.config"
  printf 'coordinator=true\nnode-scheduler.include-coordinator=true\nhttp-server.http.port=%s\ndiscovery.uri=http://127.0.0.1:%s\nquery.max-memory=512MB\nquery.max-memory-per-node=512MB\nprotocol.v1.alternate-header-name=Presto\n' "$trino" "$trino" > "$T/config.properties"
  for c in hive hudi; do
    printf 'connector.name=%s\nhive.metastore.uri=thrift://127.0.0.1:%s\nfs.hadoop.enabled=true\n' "$c" "$hms" > "$T/catalog/$c.properties"
  done
  wait_for 120 "the metastore on 127.0.0.1:$hms" bash -c "exec 3<>/dev/tcp/127.0.0.1/$hms"
  (cd "$run/trino" && export JAVA_HOME="$TRINO_JAVA_HOME" PATH="$TRINO_JAVA_HOME/bin:$PATH" \
      && exec "$CACHE/trino-server-$TRINO_VERSION/bin/launcher" run --etc-dir "$T" --data-dir "$run/trino/data") \
      > "$run/trino/out.log" 2>&1 < /dev/null &
  echo $! > "$run/trino/pid"
  wait_for 180 "Trino on 127.0.0.1:$trino" bash -c "curl -sf http://127.0.0.1:$trino/v1/info | grep -q '\"starting\":false'"
  echo "metastore=thrift://127.0.0.1:$hms trino=http://127.0.0.1:$trino"
}

stop() {
  local run=$1
  for p in "$run/trino/pid" "$run/hms/pid"; do
    if [ -f "$p" ]; then
      local pid; pid=$(cat "$p")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -9 "$pid" 2>/dev/null || true
      rm -f "$p"
    fi
  done
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  fetch) fetch ;;
  *) echo "usage: $0 start RUN_DIR [HMS_PORT] [TRINO_PORT] | stop RUN_DIR | fetch" >&2; exit 2 ;;
esac
