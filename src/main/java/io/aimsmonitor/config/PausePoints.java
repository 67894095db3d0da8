package io.aimsmonitor.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TEST-ONLY: places where a test that forks the service can hold it, so that it can kill it there
 * with SIGKILL ({@code CrashSafetyTest}) or kill a replica in the middle of a job ({@code ClusterTest}).
 *
 * <p>Off, and a single null check, unless the JVM was started with the system property
 * {@value #DIR_PROPERTY} naming a folder. Then a point {@code P} pauses only when the file
 * {@code P.armed} exists in that folder: the first thread of any process sharing the folder to
 * delete it (an atomic claim) writes {@code P.reached} (holding its pid) and waits until
 * {@code P.released} exists. A real deployment never sets the property; it is not in
 * {@link AimsProperties} on purpose, so it is not a setting anyone can find and turn on.
 */
public final class PausePoints {

  /** The system property that turns the points on: a folder the test and the service share. */
  public static final String DIR_PROPERTY = "aims.test.pause-dir";

  /** While a collection's facts are in memory and nothing of the run is stored yet. */
  public static final String COLLECT = "collect";
  /** After the packs were evaluated, before reconciliation. */
  public static final String EVALUATE = "evaluate";
  /** Inside the reconciliation transaction, after the findings and events were written, before commit. */
  public static final String RECONCILE = "reconcile";

  private static final Logger log = LoggerFactory.getLogger(PausePoints.class);
  private static final Path DIR = dir();

  private PausePoints() {}

  /** Pauses here if a test armed this point (see the class comment); otherwise returns at once. */
  public static void reach(String point) {
    if (DIR == null) {
      return;
    }
    try {
      Files.delete(DIR.resolve(point + ".armed"));
    } catch (NoSuchFileException e) {
      return; // not armed, or another thread or replica claimed it
    } catch (IOException e) {
      log.warn("test pause point '{}': {}", point, e.getMessage());
      return;
    }
    try {
      Files.writeString(DIR.resolve(point + ".reached"), Long.toString(ProcessHandle.current().pid()));
      log.warn("test pause point '{}' reached: holding until {} exists", point, DIR.resolve(point + ".released"));
      while (!Files.exists(DIR.resolve(point + ".released"))) {
        Thread.sleep(50);
      }
    } catch (IOException e) {
      log.warn("test pause point '{}': {}", point, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Path dir() {
    String dir = System.getProperty(DIR_PROPERTY);
    return dir == null || dir.isBlank() ? null : Path.of(dir);
  }
}
