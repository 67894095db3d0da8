package io.aimsmonitor.export;

import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.rules.RuleDefinition;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Collection;
import java.util.function.Consumer;

/**
 * Writes findings in an {@link ExportFormat}, adding to each its waiver state (from the
 * {@link WaiverLookup}) and evidence links. The findings come from the caller (the API's filtered
 * view, or a scan's open findings) as a source that pushes them one at a time.
 */
public final class Exporter {

  /** Pushes findings, in order, to the consumer it is given. */
  @FunctionalInterface
  public interface Source {
    void forEach(Consumer<Finding> action);
  }

  private final WaiverLookup waivers;
  private final String baseUrl;
  private final String toolVersion;
  private final Clock clock;

  /**
   * @param baseUrl the service's public URL for links into the API ({@code aims.export.base-url}); null: relative links
   */
  public Exporter(WaiverLookup waivers, String baseUrl, String toolVersion, Clock clock) {
    this.waivers = waivers;
    this.baseUrl = baseUrl == null || baseUrl.isBlank() ? null : baseUrl;
    this.toolVersion = toolVersion;
    this.clock = clock;
  }

  public ExportedFinding exported(Finding f) {
    return new ExportedFinding(f, waivers.of(f), EvidenceLinks.of(f, baseUrl));
  }

  public void write(ExportFormat format, Source findings, Collection<RuleDefinition> rules, OutputStream out)
      throws IOException {
    ExportContext context = new ExportContext(toolVersion, clock.instant(), rules, baseUrl);
    try (FindingWriter writer = format.open(out, context)) {
      findings.forEach(f -> {
        try {
          writer.write(exported(f));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
