#!/bin/sh
# cluster-tool VERB: Aeron's ClusterTool on this container's node, for operators and tests:
#   docker compose -f ops/docker/compose.yaml exec node-0 /opt/backstop/bin/cluster-tool is-leader   # exit 0: leads
#   ... exec <the leader> /opt/backstop/bin/cluster-tool snapshot       # take a snapshot now, waits for it
#   ... exec node-0 /opt/backstop/bin/cluster-tool recording-log        # terms and snapshots the node keeps
# Other verbs: describe, pid, recovery-plan, errors, list-members, suspend, resume, shutdown, abort,
# invalidate-latest-snapshot. BACKSTOP_CLUSTER_DIR overrides the cluster directory (node.properties' baseDir/cluster).
set -eu
exec java \
    --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
    --add-opens java.base/jdk.internal.misc=ALL-UNNAMED \
    --add-opens java.base/java.util.zip=ALL-UNNAMED \
    -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -cp /opt/backstop/backstop.jar io.aeron.cluster.ClusterTool \
    "${BACKSTOP_CLUSTER_DIR:-/var/lib/backstop/node/cluster}" "$@"
