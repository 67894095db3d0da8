package io.aimsmonitor.config;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Whether the embedded H2 database file is held by another process. H2 locks its file for as long
 * as a process has it open; a second process then fails deep inside the connection pool with a
 * long stack trace. Checking the lock first lets {@code serve} say in one line which data folder
 * is in use and how to choose another.
 */
public final class EmbeddedDatabaseLock {

  private static final String H2_FILE = "jdbc:h2:file:";

  private EmbeddedDatabaseLock() {}

  /**
   * The one-line problem when {@code datasourceUrl} is an embedded H2 file database another process
   * holds; empty when it is free, not yet created, held by this same process, or not an H2 file URL.
   */
  public static Optional<String> inUse(String datasourceUrl, String dataDir) {
    if (datasourceUrl == null || !datasourceUrl.startsWith(H2_FILE)) {
      return Optional.empty();
    }
    String path = datasourceUrl.substring(H2_FILE.length());
    int options = path.indexOf(';');
    Path file = Path.of((options < 0 ? path : path.substring(0, options)) + ".mv.db").toAbsolutePath().normalize();
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      FileLock lock = channel.tryLock();
      if (lock != null) {
        lock.release();
        return Optional.empty();
      }
    } catch (OverlappingFileLockException e) {
      return Optional.empty(); // this process has it open already (tests starting a second context): H2 shares it
    } catch (IOException e) {
      return Optional.of("the embedded database " + file + " cannot be opened: " + e.getMessage());
    }
    return Optional.of("the embedded database in " + Path.of(dataDir).toAbsolutePath().normalize()
        + " is in use by another process (another aims-monitor?); stop it, or choose another data folder with"
        + " --aims.data-dir=DIR or AIMS_DATA_DIR=DIR");
  }
}
