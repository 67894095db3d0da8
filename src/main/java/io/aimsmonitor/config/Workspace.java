package io.aimsmonitor.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Resolves the connectors and rules folders. A folder set in configuration must exist. When none
 * is set, {@code ./connectors} and {@code ./rules} are used if they exist, else the copies bundled
 * in the jar (the demo connectors and the shipped rule packs), extracted under the data folder, so
 * that {@code java -jar aims-monitor.jar} works anywhere with no configuration.
 */
public final class Workspace {

  private static final Logger log = LoggerFactory.getLogger(Workspace.class);

  private Workspace() {}

  public static Path connectors(Path configured, Path dataDir) {
    return resolve(configured, Path.of("connectors"), dataDir, "connectors");
  }

  public static Path rules(Path configured, Path dataDir) {
    return resolve(configured, Path.of("rules"), dataDir, "rules");
  }

  /**
   * The folder of {@code kind} ({@code connectors} or {@code rules}): {@code configured} if set (it
   * must exist), else {@code conventional} if it exists, else the bundled copy extracted under
   * {@code dataDir/bundled/<kind>}. Every command resolves its inputs through this one method.
   */
  public static Path resolve(Path configured, Path conventional, Path dataDir, String kind) {
    if (configured != null) {
      if (!Files.isDirectory(configured)) {
        throw new IllegalStateException("aims." + kind + "-dir: " + configured.toAbsolutePath() + " is not a folder");
      }
      return configured.toAbsolutePath().normalize();
    }
    if (Files.isDirectory(conventional)) {
      return conventional.toAbsolutePath().normalize();
    }
    Path target = dataDir.resolve("bundled").resolve(kind).toAbsolutePath().normalize();
    try {
      extract("bundled/" + kind + "/", target);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract the bundled " + kind + " to " + target, e);
    }
    log.info("no ./{} folder and aims.{}-dir is not set: using the bundled {} ({})", kind, kind, kind, target);
    return target;
  }

  private static void extract(String prefix, Path target) throws IOException {
    Resource[] resources = new PathMatchingResourcePatternResolver().getResources("classpath*:" + prefix + "**");
    Files.createDirectories(target);
    for (Resource resource : resources) {
      String url = resource.getURL().toString();
      int at = url.lastIndexOf(prefix);
      if (at < 0 || url.endsWith("/") || !resource.isReadable()) {
        continue;
      }
      Path file = target.resolve(url.substring(at + prefix.length())).normalize();
      if (!file.startsWith(target)) {
        continue;
      }
      Files.createDirectories(file.getParent());
      try (InputStream in = resource.getInputStream()) {
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }
}
