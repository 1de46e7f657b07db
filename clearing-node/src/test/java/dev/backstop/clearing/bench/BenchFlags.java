package dev.backstop.clearing.bench;

/**
 * JVM flags of every forked benchmark JVM: Agrona needs jdk.internal.misc (AERON-NOTES), and the million-account
 * snapshot state needs a heap well above the test default.
 */
public final class BenchFlags
{
    public static final String ADD_EXPORTS = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
    public static final String ADD_OPENS = "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED";

    private BenchFlags()
    {
    }
}
