package io.aimsmonitor.evidence;

import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.controls.Control;
import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.finding.ControlReport;
import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.history.TimeTravel;
import io.aimsmonitor.integrity.HashChains;
import io.aimsmonitor.oscal.OscalExporter;
import io.aimsmonitor.rules.RulePack;
import io.aimsmonitor.store.EvaluationRecords;
import io.aimsmonitor.store.SnapshotRows;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The auditor's evidence pack of a period (docs/evidence.md): a zip readable without the tool.
 * {@code index.html} (printable) and {@code report.pdf} hold the Statement of Applicability, the
 * findings and their resolution, the waivers with justifications and approvers, connector coverage
 * and evidence freshness; {@code evidence/} the raw fact snapshots and the rule packs; {@code data/}
 * and {@code oscal/} the same in machine-readable form; {@code manifest.sha256} the SHA-256 of
 * every file ({@code sha256sum -c manifest.sha256}), signed when a key is configured.
 *
 * <p>Written as a stream, entry by entry, so a pack with large snapshots never sits in memory;
 * only the HTML and PDF are built in memory.
 */
public class EvidencePack {

  public static final String MANIFEST = "manifest.sha256";

  private final TimeTravel timeTravel;
  private final OscalExporter oscal;
  private final HashChains chains;
  private final ControlCatalog catalog;
  private final Supplier<List<RulePack>> packs;
  private final BiFunction<Instant, Instant, List<EvaluationRecords.UsedPack>> packsUsed;
  private final Supplier<List<ConnectorConfig>> connectors;
  private final Function<String, Optional<Finding>> findings;
  private final Function<String, Optional<String>> exclusions;
  private final JdbcClient jdbc;
  private final Supplier<ManifestSigner> signer;
  private final String version;
  private final Clock clock;
  private final ObjectWriter json = JsonMapper.builder().findAndAddModules().build().writerWithDefaultPrettyPrinter();

  public EvidencePack(TimeTravel timeTravel, OscalExporter oscal, HashChains chains, ControlCatalog catalog,
      Supplier<List<RulePack>> packs, BiFunction<Instant, Instant, List<EvaluationRecords.UsedPack>> packsUsed,
      Supplier<List<ConnectorConfig>> connectors, Function<String, Optional<Finding>> findings, Function<String, Optional<String>> exclusions, JdbcClient jdbc,
      Supplier<ManifestSigner> signer, String version, Clock clock) {
    this.timeTravel = timeTravel;
    this.oscal = oscal;
    this.chains = chains;
    this.catalog = catalog;
    this.packs = packs;
    this.packsUsed = packsUsed;
    this.connectors = connectors;
    this.findings = findings;
    this.exclusions = exclusions;
    this.jdbc = jdbc;
    this.signer = signer;
    this.version = version == null ? "dev" : version;
    this.clock = clock;
  }

  /** One raw evidence file: its path in the pack, its SHA-256, and what it is. */
  record EvidenceFile(String path, String sha256, long bytes, String what) {}

  /** A connector as of the end of the period. */
  record Coverage(String id, String type, boolean enabled, Duration expectedInterval, Long lastRun, Instant lastSuccess,
      Integer facts, Duration age, boolean stale, long runsSucceeded, long runsFailed) {}

  /** Writes the pack of [from, to) as a zip to {@code out} (not closed). */
  public void write(Instant from, Instant to, OutputStream out) throws IOException {
    Instant generated = clock.instant();
    TimeTravel.PeriodReport period = timeTravel.period(from, to);
    List<ControlReport.Row> soa = timeTravel.controlsAsOf(to);
    HashChains.Report integrity = chains.verify();
    Map<String, String> manifest = new TreeMap<>();
    List<EvidenceFile> evidence = new ArrayList<>();
    ZipOutputStream zip = new ZipOutputStream(out, StandardCharsets.UTF_8);

    // raw evidence first, streamed: the HTML lists it with its hashes
    for (Snapshot s : snapshots(period, to)) {
      String path = "evidence/snapshots/" + safe(s.connectorId()) + "/run-" + s.runId() + ".json";
      byte[] body = s.facts().getBytes(StandardCharsets.UTF_8);
      String hash = put(zip, path, body, manifest);
      evidence.add(new EvidenceFile(path, hash, body.length, "facts collected by " + s.connectorId() + " (run "
          + s.runId() + ", finished " + s.finishedAt() + ")" + (s.latest() ? "; the snapshot in force at the end" : "")));
    }
    List<Map<String, Object>> packIndex = new ArrayList<>();
    for (RulePack p : packs.get()) {
      packIndex.add(Map.of("name", p.name(), "version", String.valueOf(p.version()), "contentHash", p.contentHash(),
          "parameters", new TreeMap<>(p.parameterValues()), "rules", p.rules().stream().map(r -> r.id()).toList()));
      if (p.directory() == null || !Files.isDirectory(p.directory())) {
        continue;
      }
      try (Stream<Path> files = Files.walk(p.directory())) {
        for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
          String path = "evidence/rule-packs/" + safe(p.name()) + "/" + p.directory().relativize(f).toString()
              .replace('\\', '/');
          byte[] body = Files.readAllBytes(f);
          evidence.add(new EvidenceFile(path, put(zip, path, body, manifest), body.length, "rule pack " + p.name()
              + " " + p.shortHash()));
        }
      }
    }
    put(zip, "evidence/rule-packs/packs.json", json.writeValueAsBytes(packIndex), manifest);
    // The versions that decided the period's evaluations, from their records (stored by content, so
    // an edit of rules/ since does not change them): what the verdicts of the period rest on.
    List<Map<String, Object>> usedIndex = new ArrayList<>();
    for (EvaluationRecords.UsedPack used : packsUsed.apply(from, to)) {
      String dir = "evidence/rule-pack-versions/" + safe(used.pack()) + "-" + used.contentHash().substring(0, 12);
      Map<String, Object> entry = new java.util.LinkedHashMap<>();
      entry.put("name", used.pack());
      entry.put("contentHash", used.contentHash());
      entry.put("evaluations", used.evaluations());
      entry.put("firstUsed", used.first().toString());
      entry.put("lastUsed", used.last().toString());
      entry.put("files", used.stored().isPresent() ? dir : "not stored any more (retention)");
      usedIndex.add(entry);
      if (used.stored().isEmpty()) {
        continue;
      }
      for (Map.Entry<String, String> f : new TreeMap<>(used.stored().get().files()).entrySet()) {
        String name = f.getKey().replace('\\', '/');
        if (name.startsWith("/") || List.of(name.split("/")).contains("..")) {
          continue; // a stored name that would leave the folder when unzipped: not from the loader, never written
        }
        String path = dir + "/" + name;
        byte[] body = f.getValue().getBytes(StandardCharsets.UTF_8);
        evidence.add(new EvidenceFile(path, put(zip, path, body, manifest), body.length, "rule pack " + used.pack()
            + " " + used.contentHash().substring(0, 12) + " as used in " + used.evaluations() + " evaluation(s) of the period"));
      }
    }
    put(zip, "evidence/rule-pack-versions/versions.json", json.writeValueAsBytes(usedIndex), manifest);

    List<Coverage> coverage = coverage(from, to);
    put(zip, "data/period-report.json", json.writeValueAsBytes(period), manifest);
    put(zip, "data/statement-of-applicability.json", json.writeValueAsBytes(soa), manifest);
    put(zip, "data/connectors.json", json.writeValueAsBytes(coverage), manifest);
    put(zip, "data/integrity.json", json.writeValueAsBytes(integrity), manifest);
    put(zip, "oscal/catalog.json", json.writeValueAsBytes(oscal.catalog()), manifest);
    put(zip, "oscal/assessment-results.json", json.writeValueAsBytes(oscal.assessmentResults(from, to,
        "Evidence pack " + from + " to " + to)), manifest);
    put(zip, "oscal/poam.json", json.writeValueAsBytes(oscal.poam(to)), manifest);

    String html = new EvidenceHtml(period, soa, catalog, exclusions, coverage, evidence, integrity, version, generated)
        .render();
    put(zip, "index.html", html.getBytes(StandardCharsets.UTF_8), manifest);
    put(zip, "report.pdf", pdf(html), manifest);

    StringBuilder lines = new StringBuilder();
    manifest.forEach((path, hash) -> lines.append(hash).append("  ").append(path).append('\n'));
    byte[] manifestBytes = lines.toString().getBytes(StandardCharsets.UTF_8);
    entry(zip, MANIFEST, manifestBytes);
    ManifestSigner s = signer.get();
    if (s != null) {
      entry(zip, MANIFEST + ".sig", s.sign(manifestBytes));
      entry(zip, "signature.txt", ("manifest.sha256.sig: " + s.algorithm() + " signature of manifest.sha256 with the"
          + " organisation's evidence key; check it with its public key (see docs/evidence.md).\n")
          .getBytes(StandardCharsets.UTF_8));
    }
    zip.finish();
  }

  /** The HTML rendered as a PDF (openhtmltopdf; the HTML is XHTML, as it requires). */
  static byte[] pdf(String html) {
    ByteArrayOutputStream pdf = new ByteArrayOutputStream();
    try {
      PdfRendererBuilder builder = new PdfRendererBuilder();
      builder.useFastMode();
      builder.withHtmlContent(html, null);
      builder.toStream(pdf);
      builder.run();
    } catch (IOException e) {
      throw new UncheckedIOException("rendering the evidence pack PDF failed: " + e.getMessage(), e);
    }
    return pdf.toByteArray();
  }

  // --- evidence sources ------------------------------------------------------------------------

  private record Snapshot(long runId, String connectorId, Instant finishedAt, String facts, boolean latest) {}

  /**
   * The snapshot of each connector in force at {@code to}, and every older snapshot a finding of the
   * period was decided on, where retention still keeps it.
   */
  private List<Snapshot> snapshots(TimeTravel.PeriodReport period, Instant to) {
    OffsetDateTime end = OffsetDateTime.ofInstant(to, ZoneOffset.UTC);
    Set<Long> latest = new LinkedHashSet<>(jdbc.sql("SELECT MAX(id) FROM connector_run WHERE status = 'SUCCEEDED'"
        + " AND finished_at <= ? GROUP BY connector_id").param(end).query(Long.class).list());
    Set<Long> ids = new LinkedHashSet<>(latest);
    for (TimeTravel.FindingPeriod f : period.findings()) {
      findings.apply(f.id()).map(x -> x.evidence().get("snapshot")).filter(Number.class::isInstance)
          .map(n -> ((Number) n).longValue()).ifPresent(ids::add);
    }
    List<Snapshot> out = new ArrayList<>();
    for (Long id : ids.stream().sorted().toList()) {
      Optional<String> facts = SnapshotRows.text(jdbc, id); // the text facts_sha256 is the hash of
      facts.ifPresent(text -> jdbc.sql("SELECT id, connector_id, finished_at FROM connector_run WHERE id = ?")
          .param(id).query((ResultSet rs, int n) -> new Snapshot(rs.getLong(1), rs.getString(2),
              rs.getObject(3, OffsetDateTime.class).toInstant(), text, latest.contains(rs.getLong(1))))
          .optional().ifPresent(out::add));
    }
    return out;
  }

  private List<Coverage> coverage(Instant from, Instant to) {
    OffsetDateTime start = OffsetDateTime.ofInstant(from, ZoneOffset.UTC);
    OffsetDateTime end = OffsetDateTime.ofInstant(to, ZoneOffset.UTC);
    List<Coverage> out = new ArrayList<>();
    for (ConnectorConfig c : connectors.get()) {
      Optional<Object[]> success = jdbc.sql("SELECT id, finished_at, fact_count FROM connector_run WHERE connector_id = ?"
              + " AND status = 'SUCCEEDED' AND finished_at <= ? ORDER BY id DESC FETCH FIRST 1 ROWS ONLY")
          .params(c.id(), end).query((rs, n) -> new Object[] {rs.getLong(1),
              rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getInt(3)}).optional();
      Map<String, Long> runs = new LinkedHashMap<>();
      jdbc.sql("SELECT status, COUNT(*) FROM connector_run WHERE connector_id = ? AND started_at >= ? AND started_at < ?"
              + " GROUP BY status").params(c.id(), start, end)
          .query((ResultSet rs) -> {
            runs.put(rs.getString(1), rs.getLong(2));
          });
      Instant last = success.map(r -> (Instant) r[1]).orElse(null);
      Duration age = last == null ? null : Duration.between(last, to);
      boolean stale = last == null || (c.expectedInterval() != null && age.compareTo(c.expectedInterval().multipliedBy(2)) > 0);
      out.add(new Coverage(c.id(), c.type(), c.enabled(), c.expectedInterval(), success.map(r -> (Long) r[0]).orElse(null),
          last, success.map(r -> (Integer) r[2]).orElse(null), age, c.enabled() && stale,
          runs.getOrDefault("SUCCEEDED", 0L), runs.getOrDefault("FAILED", 0L)));
    }
    return out;
  }

  // --- zip -----------------------------------------------------------------------------------

  private static String put(ZipOutputStream zip, String path, byte[] body, Map<String, String> manifest)
      throws IOException {
    entry(zip, path, body);
    String hash = sha256(body);
    manifest.put(path, hash);
    return hash;
  }

  private static void entry(ZipOutputStream zip, String path, byte[] body) throws IOException {
    ZipEntry e = new ZipEntry(path);
    e.setTime(0L); // stable archives: the content, not the packing time, is the evidence
    zip.putNextEntry(e);
    zip.write(body);
    zip.closeEntry();
  }

  static String sha256(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  private static String safe(String name) {
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /** The control with this id, for callers outside. */
  Optional<Control> control(String id) {
    return catalog.find(id);
  }
}
