package dev.backstop.clearing.node;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClusterTopologyTest
{
    @Test
    void derivesEveryMembersPortsFromThePortBase()
    {
        assertEquals(
            "0,127.0.0.1:9002,127.0.0.1:9003,127.0.0.1:9004,127.0.0.1:9005,127.0.0.1:9001|" +
            "1,127.0.0.1:9102,127.0.0.1:9103,127.0.0.1:9104,127.0.0.1:9105,127.0.0.1:9101|" +
            "2,127.0.0.1:9202,127.0.0.1:9203,127.0.0.1:9204,127.0.0.1:9205,127.0.0.1:9201",
            ClusterTopology.clusterMembers(9000, 3));
        assertEquals("0=127.0.0.1:9002,1=127.0.0.1:9102,2=127.0.0.1:9202", ClusterTopology.ingressEndpoints(9000, 3));
        assertEquals("0=localhost:20002", ClusterTopology.ingressEndpoints("localhost", 20000, 1));
        assertEquals(20207, ClusterTopology.port(2, 20000, ClusterTopology.CLUSTER_REPLICATION_PORT_OFFSET));
    }

    @Test
    void givesEachMemberItsOwnAddressWhenTheyDoNotShareOne()
    {
        final String[] hosts = { "10.77.0.1", "10.77.0.2", "10.77.0.3" };
        assertEquals(
            "0,10.77.0.1:9002,10.77.0.1:9003,10.77.0.1:9004,10.77.0.1:9005,10.77.0.1:9001|" +
            "1,10.77.0.2:9102,10.77.0.2:9103,10.77.0.2:9104,10.77.0.2:9105,10.77.0.2:9101|" +
            "2,10.77.0.3:9202,10.77.0.3:9203,10.77.0.3:9204,10.77.0.3:9205,10.77.0.3:9201",
            ClusterTopology.clusterMembers(hosts, 9000));
        assertEquals("0=10.77.0.1:9002,1=10.77.0.2:9102,2=10.77.0.3:9202", ClusterTopology.ingressEndpoints(hosts, 9000));
        assertThrows(IllegalArgumentException.class, () -> ClusterTopology.clusterMembers(new String[0], 9000));
    }

    @Test
    void refusesPortsOutsideTheRange()
    {
        assertThrows(IllegalArgumentException.class, () -> ClusterTopology.port(0, 65500, 50));
        assertThrows(IllegalArgumentException.class, () -> ClusterTopology.port(-1, 9000, 1));
        assertThrows(IllegalArgumentException.class, () -> ClusterTopology.port(0, 9000, 100));
        assertThrows(IllegalArgumentException.class, () -> ClusterTopology.ingressEndpoints(9000, 0));
    }
}
