package dev.backstop.gateway.client;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The Aeron client of a client-library object, with its own embedded media driver in a fresh temporary directory
 * when no driver directory is given (a test or a demo then needs no separate driver process).
 */
final class ClientMedia implements AutoCloseable
{
    private final MediaDriver driver;
    private final Aeron aeron;
    private final Path tempDir;

    private ClientMedia(final MediaDriver driver, final Aeron aeron, final Path tempDir)
    {
        this.driver = driver;
        this.aeron = aeron;
        this.tempDir = tempDir;
    }

    static ClientMedia open(final String aeronDirectoryName, final String purpose)
    {
        MediaDriver driver = null;
        Path tempDir = null;
        try
        {
            String dir = aeronDirectoryName;
            if (null == dir)
            {
                tempDir = Files.createTempDirectory("backstop-" + purpose + "-");
                dir = tempDir.resolve("aeron").toString();
                driver = MediaDriver.launch(new MediaDriver.Context()
                    .aeronDirectoryName(dir)
                    .dirDeleteOnStart(true)
                    .dirDeleteOnShutdown(true)
                    .threadingMode(ThreadingMode.SHARED)
                    .sharedIdleStrategy(new BackoffIdleStrategy(
                        10, 20, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1)))
                    .termBufferSparseFile(true)
                    .publicationTermBufferLength(64 * 1024)
                    .ipcTermBufferLength(64 * 1024));
            }
            final Aeron aeron = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(dir)
                .errorHandler((throwable) -> System.err.println("[" + purpose + "] aeron error: " + throwable)));
            return new ClientMedia(driver, aeron, tempDir);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(driver);
            deleteQuietly(tempDir);
            throw ex;
        }
    }

    Aeron aeron()
    {
        return aeron;
    }

    public void close()
    {
        CloseHelper.quietCloseAll(aeron, driver);
        deleteQuietly(tempDir);
    }

    private static void deleteQuietly(final Path dir)
    {
        if (null != dir)
        {
            IoUtil.delete(new File(dir.toString()), true);
        }
    }
}
