#!/bin/sh
# Entry point of the backstop image: runs the backstop command line (node, gateway, trader, ...) with the JVM flags
# Aeron needs, as PID 1 so that `docker stop` (SIGTERM) reaches the JVM and the node or gateway stops cleanly.
#
# Configuration: the files in /opt/backstop/config hold the container defaults; any key can be overridden with a
# system property of the same name in JAVA_OPTS (-Dbackstop.node.snapshotIntervalMs=30000). For the per-container
# settings a few environment variables are shorter to write:
#   BACKSTOP_NODE_ID       node:    this member's id (backstop.node.id)
#   BACKSTOP_MEMBER_HOSTS  node:    every member's address by id, comma separated (backstop.node.memberHosts);
#                          gateway: the same list, from which the cluster's ingress endpoints are derived
#   BACKSTOP_PORT_BASE     node and gateway: the cluster's port base (default 9000; member i at base + 100 i)
#   BACKSTOP_HOST          gateway: its own address as the nodes reach it (default: `hostname -i`), for the
#                          cluster's replies (port 9420) and the event stream's control endpoint (port 9410)
#   BACKSTOP_HEAP          -Xmx of the JVM (default 256m)
set -eu
# JAVA_OPTS and the derived options are split on spaces below; channel URIs contain '?', which must not glob.
set -f

config_dir=/opt/backstop/config
opts=""
port_base="${BACKSTOP_PORT_BASE:-9000}"

fail() {
    echo "backstop-entrypoint: $*" >&2
    exit 2
}

# Media driver directories hold no state worth keeping; one left by a crashed run would make the new driver wait.
rm -rf /dev/shm/backstop-* 2>/dev/null || true

case "${1:-}" in
    node)
        [ -n "${BACKSTOP_NODE_ID:-}" ] && opts="$opts -Dbackstop.node.id=$BACKSTOP_NODE_ID"
        if [ -n "${BACKSTOP_MEMBER_HOSTS:-}" ]; then
            opts="$opts -Dbackstop.node.memberHosts=$BACKSTOP_MEMBER_HOSTS"
        else
            case "${JAVA_OPTS:-}" in
                *backstop.node.memberHosts=*) ;;
                *) fail "set BACKSTOP_MEMBER_HOSTS to every member's address, e.g. node-0,node-1,node-2" ;;
            esac
        fi
        opts="$opts -Dbackstop.node.portBase=$port_base"
        if [ "$#" -eq 1 ]; then
            set -- node --config "$config_dir/node.properties"
        fi
        ;;
    gateway)
        host="${BACKSTOP_HOST:-$(hostname -i 2>/dev/null | awk '{ print $1 }')}"
        [ -n "$host" ] || fail "cannot tell this container's address: set BACKSTOP_HOST"
        opts="$opts -Dbackstop.gateway.cluster.egressChannel=aeron:udp?endpoint=$host:9420|term-length=128k"
        opts="$opts -Dbackstop.gateway.events.channel=aeron:udp?control=$host:9410|control-mode=dynamic"
        if [ -n "${BACKSTOP_MEMBER_HOSTS:-}" ]; then
            endpoints=""
            id=0
            for member in $(echo "$BACKSTOP_MEMBER_HOSTS" | tr ',' ' '); do
                endpoints="$endpoints${endpoints:+,}$id=$member:$((port_base + 100 * id + 2))"
                id=$((id + 1))
            done
            opts="$opts -Dbackstop.gateway.cluster.ingressEndpoints=$endpoints"
        else
            case "${JAVA_OPTS:-}" in
                *backstop.gateway.cluster.ingressEndpoints=*) ;;
                *) fail "set BACKSTOP_MEMBER_HOSTS to every cluster member's address, e.g. node-0,node-1,node-2" ;;
            esac
        fi
        if [ "$#" -eq 1 ]; then
            set -- gateway --config "$config_dir/gateway.properties"
        fi
        ;;
    trader)
        case " $* " in
            *" --gateway-config "* | *" --gateway-config="*) ;;
            *) set -- "$@" --gateway-config "$config_dir/gateway.properties" ;;
        esac
        ;;
esac

# shellcheck disable=SC2086 # options are meant to be split
exec java \
    --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
    --add-opens java.base/jdk.internal.misc=ALL-UNNAMED \
    --add-opens java.base/java.util.zip=ALL-UNNAMED \
    -Xmx"${BACKSTOP_HEAP:-256m}" -XX:+UseSerialGC \
    -Dbackstop.home=/opt/backstop \
    $opts ${JAVA_OPTS:-} \
    -jar /opt/backstop/backstop.jar "$@"
