package dev.backstop.clearing.node;

/**
 * The port plan of a Backstop cluster, in one place so that nodes, gateways, tests and the demo derive the same
 * endpoints from the same three numbers: hostname, port base and member count.
 * <p>
 * Member {@code i} owns the ports {@code portBase + 100 * i} to {@code portBase + 100 * i + 99}; within that block
 * each channel has a fixed offset. A local three-node cluster on port base 9000 therefore uses 9000-9299 and two
 * clusters on different port bases never collide.
 * <p>
 * Replies (egress, archive control responses) use ephemeral ports chosen by the operating system, so a client needs
 * only {@link #ingressEndpoints(String, int, int)} and {@link #INGRESS_CHANNEL}.
 */
public final class ClusterTopology
{
    /**
     * Ports reserved for each member.
     */
    public static final int PORTS_PER_MEMBER = 100;

    /**
     * Offset of the member's archive control channel (other members replicate logs and snapshots through it).
     */
    public static final int ARCHIVE_CONTROL_PORT_OFFSET = 1;

    /**
     * Offset of the member's client-facing ingress endpoint.
     */
    public static final int INGRESS_PORT_OFFSET = 2;

    /**
     * Offset of the member's consensus (member-to-member) endpoint.
     */
    public static final int CONSENSUS_PORT_OFFSET = 3;

    /**
     * Offset of the member's log endpoint (the leader's log is sent here).
     */
    public static final int LOG_PORT_OFFSET = 4;

    /**
     * Offset of the member's catch-up endpoint (a lagging follower receives the log replay here).
     */
    public static final int CATCHUP_PORT_OFFSET = 5;

    /**
     * Offset of the member's archive replication channel (recordings replicated into this member's archive).
     */
    public static final int ARCHIVE_REPLICATION_PORT_OFFSET = 6;

    /**
     * Offset of the consensus module's replication channel (log and snapshot replication during elections).
     */
    public static final int CLUSTER_REPLICATION_PORT_OFFSET = 7;

    /**
     * Highest offset used; offsets above it are free for other per-member services (metrics, for example).
     */
    public static final int MAX_USED_PORT_OFFSET = CLUSTER_REPLICATION_PORT_OFFSET;

    /**
     * The only address Backstop binds to by default.
     */
    public static final String DEFAULT_HOSTNAME = "127.0.0.1";

    /**
     * Ingress channel for cluster clients: the endpoints come from {@link #ingressEndpoints(String, int, int)}.
     */
    public static final String INGRESS_CHANNEL = "aeron:udp?term-length=128k";

    private ClusterTopology()
    {
    }

    /**
     * Port of one channel of one member.
     *
     * @param memberId member id, from 0.
     * @param portBase port base of the cluster.
     * @param offset   one of the {@code *_PORT_OFFSET} constants.
     * @return the port.
     */
    public static int port(final int memberId, final int portBase, final int offset)
    {
        if (memberId < 0)
        {
            throw new IllegalArgumentException("memberId must be >= 0: " + memberId);
        }
        if (offset < 0 || offset >= PORTS_PER_MEMBER)
        {
            throw new IllegalArgumentException("offset must be in [0, " + PORTS_PER_MEMBER + "): " + offset);
        }
        final int port = portBase + memberId * PORTS_PER_MEMBER + offset;
        if (portBase <= 0 || port > 65535)
        {
            throw new IllegalArgumentException("port out of range: portBase=" + portBase + " member=" + memberId);
        }
        return port;
    }

    /**
     * {@code host:port} of one channel of one member.
     *
     * @param hostname address the member binds to.
     * @param memberId member id.
     * @param portBase port base of the cluster.
     * @param offset   one of the {@code *_PORT_OFFSET} constants.
     * @return the endpoint.
     */
    public static String endpoint(final String hostname, final int memberId, final int portBase, final int offset)
    {
        return hostname + ':' + port(memberId, portBase, offset);
    }

    /**
     * The consensus module's {@code clusterMembers} string:
     * {@code id,ingress,consensus,log,catchup,archiveControl|...}.
     *
     * @param hostname    address every member binds to.
     * @param portBase    port base of the cluster.
     * @param memberCount number of members.
     * @return the members string.
     */
    public static String clusterMembers(final String hostname, final int portBase, final int memberCount)
    {
        checkMemberCount(memberCount);
        final StringBuilder builder = new StringBuilder();
        for (int i = 0; i < memberCount; i++)
        {
            if (i > 0)
            {
                builder.append('|');
            }
            builder.append(i)
                .append(',').append(endpoint(hostname, i, portBase, INGRESS_PORT_OFFSET))
                .append(',').append(endpoint(hostname, i, portBase, CONSENSUS_PORT_OFFSET))
                .append(',').append(endpoint(hostname, i, portBase, LOG_PORT_OFFSET))
                .append(',').append(endpoint(hostname, i, portBase, CATCHUP_PORT_OFFSET))
                .append(',').append(endpoint(hostname, i, portBase, ARCHIVE_CONTROL_PORT_OFFSET));
        }
        return builder.toString();
    }

    /**
     * The consensus module's {@code clusterMembers} string when each member has an address of its own (separate
     * hosts, containers or network namespaces); member {@code i} still owns the ports of block {@code i}.
     *
     * @param hostnames address of each member, indexed by member id.
     * @param portBase  port base of the cluster.
     * @return the members string.
     */
    public static String clusterMembers(final String[] hostnames, final int portBase)
    {
        checkMemberCount(hostnames.length);
        final StringBuilder builder = new StringBuilder();
        for (int i = 0; i < hostnames.length; i++)
        {
            if (i > 0)
            {
                builder.append('|');
            }
            final String hostname = hostnames[i];
            builder.append(i)
                .append(',').append(endpoint(hostname, i, portBase, INGRESS_PORT_OFFSET))
                .append(',').append(endpoint(hostname, i, portBase, CONSENSUS_PORT_OFFSET))
                .append(',').append(endpoint(hostname, i, portBase, LOG_PORT_OFFSET))
                .append(',').append(endpoint(hostname, i, portBase, CATCHUP_PORT_OFFSET))
                .append(',').append(endpoint(hostname, i, portBase, ARCHIVE_CONTROL_PORT_OFFSET));
        }
        return builder.toString();
    }

    /**
     * The client's ingress endpoints when each member has an address of its own.
     *
     * @param hostnames address of each member, indexed by member id.
     * @param portBase  port base of the cluster.
     * @return the endpoints string, {@code 0=host0:port,1=host1:port,...}.
     */
    public static String ingressEndpoints(final String[] hostnames, final int portBase)
    {
        checkMemberCount(hostnames.length);
        final StringBuilder builder = new StringBuilder();
        for (int i = 0; i < hostnames.length; i++)
        {
            if (i > 0)
            {
                builder.append(',');
            }
            builder.append(i).append('=').append(endpoint(hostnames[i], i, portBase, INGRESS_PORT_OFFSET));
        }
        return builder.toString();
    }

    /**
     * {@link #clusterMembers(String, int, int)} on {@link #DEFAULT_HOSTNAME}.
     *
     * @param portBase    port base of the cluster.
     * @param memberCount number of members.
     * @return the members string.
     */
    public static String clusterMembers(final int portBase, final int memberCount)
    {
        return clusterMembers(DEFAULT_HOSTNAME, portBase, memberCount);
    }

    /**
     * The client's ingress endpoints: {@code 0=host:port,1=host:port,...} for
     * {@code AeronCluster.Context.ingressEndpoints}.
     *
     * @param hostname    address every member binds to.
     * @param portBase    port base of the cluster.
     * @param memberCount number of members.
     * @return the endpoints string.
     */
    public static String ingressEndpoints(final String hostname, final int portBase, final int memberCount)
    {
        checkMemberCount(memberCount);
        final StringBuilder builder = new StringBuilder();
        for (int i = 0; i < memberCount; i++)
        {
            if (i > 0)
            {
                builder.append(',');
            }
            builder.append(i).append('=').append(endpoint(hostname, i, portBase, INGRESS_PORT_OFFSET));
        }
        return builder.toString();
    }

    /**
     * {@link #ingressEndpoints(String, int, int)} on {@link #DEFAULT_HOSTNAME}.
     *
     * @param portBase    port base of the cluster.
     * @param memberCount number of members.
     * @return the endpoints string.
     */
    public static String ingressEndpoints(final int portBase, final int memberCount)
    {
        return ingressEndpoints(DEFAULT_HOSTNAME, portBase, memberCount);
    }

    /**
     * Egress channel for a cluster client on {@code hostname}: an ephemeral port, replies sized like ingress.
     *
     * @param hostname address the client receives on.
     * @return the egress channel.
     */
    public static String egressChannel(final String hostname)
    {
        return "aeron:udp?endpoint=" + hostname + ":0|term-length=128k";
    }

    private static void checkMemberCount(final int memberCount)
    {
        if (memberCount < 1)
        {
            throw new IllegalArgumentException("memberCount must be >= 1: " + memberCount);
        }
    }
}
