package io.aimsmonitor.export;

import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.rules.RuleDefinition;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Writes findings in an {@link ExportFormat}, adding to each its waiver state (from the
 * {@link WaiverLookup}) and evidence links. The findings come from the caller (the API's filtered
 * view, or a scan's open findings) as a source that pushes them one at a time; they are written in
 * batches of {@value #BATCH}, so that the waivers are looked up once per batch and an export of any
 * size holds one batch in memory.
 */
public final class Exporter {

  /** Findings per waiver lookup: the size of the API's read chunks, so one chunk is one lookup. */
  public static final int BATCH = 500;

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
    return exported(List.of(f)).get(0);
  }

  /** The findings with their waivers (one lookup for all) and evidence links, in the order given. */
  public List<ExportedFinding> exported(List<Finding> batch) {
    Map<String, WaiverState> states = batch.isEmpty() ? Map.of() : waivers.of(batch);
    return batch.stream().map(f -> new ExportedFinding(f, states.get(f.id()), EvidenceLinks.of(f, baseUrl))).toList();
  }

  public void write(ExportFormat format, Source findings, Collection<RuleDefinition> rules, OutputStream out)
      throws IOException {
    ExportContext context = new ExportContext(toolVersion, clock.instant(), rules, baseUrl);
    try (FindingWriter writer = format.open(out, context)) {
      List<Finding> batch = new ArrayList<>(BATCH);
      findings.forEach(f -> {
        batch.add(f);
        if (batch.size() == BATCH) {
          writeBatch(writer, batch);
        }
      });
      writeBatch(writer, batch);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private void writeBatch(FindingWriter writer, List<Finding> batch) {
    try {
      for (ExportedFinding e : exported(batch)) {
        writer.write(e);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    batch.clear();
  }
}
