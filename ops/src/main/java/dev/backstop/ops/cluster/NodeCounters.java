package dev.backstop.ops.cluster;

import io.aeron.CncFileDescriptor;
import io.aeron.cluster.service.Cluster;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * The cluster counters of one node, read from its media driver's CnC file the way AeronStat reads them: role,
 * leadership term, commit position and snapshot count (AERON-NOTES "Operations" for the type ids). Read only and
 * without connecting a client, so it works on a node that is busy, suspended or stopping.
 */
public final class NodeCounters
{
    /**
     * Consensus module state counter type.
     */
    public static final int CONSENSUS_MODULE_STATE_TYPE_ID = 200;
    /**
     * Node role counter type.
     */
    public static final int NODE_ROLE_TYPE_ID = 201;
    /**
     * Commit position counter type.
     */
    public static final int COMMIT_POSITION_TYPE_ID = 203;
    /**
     * Snapshot count counter type.
     */
    public static final int SNAPSHOT_COUNT_TYPE_ID = 205;
    /**
     * Leadership term id counter type.
     */
    public static final int LEADERSHIP_TERM_TYPE_ID = 239;

    private final Cluster.Role role;
    private final long leadershipTermId;
    private final long commitPosition;
    private final long snapshotCount;
    private final long consensusModuleState;

    private NodeCounters(
        final Cluster.Role role,
        final long leadershipTermId,
        final long commitPosition,
        final long snapshotCount,
        final long consensusModuleState)
    {
        this.role = role;
        this.leadershipTermId = leadershipTermId;
        this.commitPosition = commitPosition;
        this.snapshotCount = snapshotCount;
        this.consensusModuleState = consensusModuleState;
    }

    /**
     * Read the counters of the node whose media driver lives in a directory.
     *
     * @param aeronDir the node's media driver directory.
     * @return the counters, or null when the driver or its cluster counters are not there.
     */
    public static NodeCounters read(final Path aeronDir)
    {
        final File cncFile = aeronDir.resolve(CncFileDescriptor.CNC_FILE).toFile();
        if (!cncFile.isFile() || cncFile.length() < CncFileDescriptor.END_OF_METADATA_OFFSET)
        {
            return null;
        }
        MappedByteBuffer cnc = null;
        try
        {
            cnc = IoUtil.mapExistingFile(cncFile, "cnc");
            final UnsafeBuffer metaData = CncFileDescriptor.createMetaDataBuffer(cnc);
            if (metaData.getIntVolatile(CncFileDescriptor.cncVersionOffset(0)) <= 0)
            {
                return null;
            }
            final CountersReader counters = new CountersReader(
                CncFileDescriptor.createCountersMetaDataBuffer(cnc, metaData),
                CncFileDescriptor.createCountersValuesBuffer(cnc, metaData));
            final long[] values = { Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE };
            counters.forEach(
                (counterId, typeId, keyBuffer, label) ->
                {
                    final int slot = slot(typeId);
                    if (slot >= 0)
                    {
                        values[slot] = counters.getCounterValue(counterId);
                    }
                });
            if (Long.MIN_VALUE == values[0])
            {
                return null;
            }
            return new NodeCounters(
                Cluster.Role.get(values[0]), values[1], values[2], Math.max(0, values[3]), values[4]);
        }
        catch (final RuntimeException ex)
        {
            return null;
        }
        finally
        {
            if (null != cnc)
            {
                IoUtil.unmap(cnc);
            }
        }
    }

    private static int slot(final int typeId)
    {
        switch (typeId)
        {
            case NODE_ROLE_TYPE_ID:
                return 0;
            case LEADERSHIP_TERM_TYPE_ID:
                return 1;
            case COMMIT_POSITION_TYPE_ID:
                return 2;
            case SNAPSHOT_COUNT_TYPE_ID:
                return 3;
            case CONSENSUS_MODULE_STATE_TYPE_ID:
                return 4;
            default:
                return -1;
        }
    }

    /**
     * @return the node's role.
     */
    public Cluster.Role role()
    {
        return role;
    }

    /**
     * @return the leadership term id.
     */
    public long leadershipTermId()
    {
        return leadershipTermId;
    }

    /**
     * @return the commit position of the log.
     */
    public long commitPosition()
    {
        return commitPosition;
    }

    /**
     * @return snapshots taken by this node since it started.
     */
    public long snapshotCount()
    {
        return snapshotCount;
    }

    /**
     * @return the consensus module state code (1 active, 2 suspended, ...).
     */
    public long consensusModuleState()
    {
        return consensusModuleState;
    }
}
