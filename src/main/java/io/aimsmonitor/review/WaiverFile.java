package io.aimsmonitor.review;

import io.aimsmonitor.finding.Waiver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Waivers kept in a YAML file under version control ({@code aims.review.waivers-file},
 * {@code scan --waivers}), so that a CI pipeline's {@code scan} and the service accept the same
 * risks, reviewed like code. Each entry meets the same {@link WaiverPolicy} as an API waiver; its
 * approval is the {@code approvedBy} the file records (required in four-eyes mode, and then not the
 * requester). The file is re-read when it changes; a broken file is an error naming the file, the
 * entry and the field, and the last good content stays in force.
 *
 * <pre>
 * waivers:
 *   - id: fraud-bias-2026q4            # becomes file:fraud-bias-2026q4
 *     rule: data.quality-checks-passing # with subject; or finding: &lt;finding id&gt;
 *     subject: "mlflow-prod:fraud-detector/*"
 *     justification: Holdout set is refreshed in January; compensating manual review.
 *     requestedBy: alice
 *     requestedAt: 2026-11-01T00:00:00Z
 *     approvedBy: bob
 *     expiresAt: 2027-01-31T00:00:00Z
 * </pre>
 */
public final class WaiverFile {

  private static final Logger log = LoggerFactory.getLogger(WaiverFile.class);
  private static final YAMLMapper YAML = YAMLMapper.builder().build();
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,50}");
  private static final Set<String> FIELDS = Set.of("id", "finding", "rule", "subject", "justification", "requestedBy",
      "requestedAt", "approvedBy", "approvedAt", "expiresAt");

  private final Path file;
  private final WaiverPolicy policy;
  private volatile List<Waiver> current = List.of();
  private volatile FileTime readAt;

  /**
   * Reads the file once; a missing or invalid file fails here, at start, with the reason.
   *
   * @param file null: no waivers file
   */
  public WaiverFile(Path file, WaiverPolicy policy) {
    this.file = file;
    this.policy = policy;
    if (file != null) {
      if (!Files.isRegularFile(file)) {
        throw new IllegalStateException("aims.review.waivers-file: " + file + " does not exist");
      }
      current = parse();
    }
  }

  /** The file's waivers, re-read if it changed; on a broken change the last good ones, with an error logged. */
  public List<Waiver> waivers() {
    if (file == null) {
      return List.of();
    }
    try {
      FileTime modified = Files.getLastModifiedTime(file);
      if (!modified.equals(readAt)) {
        current = parse();
      }
    } catch (IOException | IllegalStateException e) {
      log.error("{}; the waivers read before stay in force", e.getMessage());
    }
    return current;
  }

  private List<Waiver> parse() {
    String where = "aims.review.waivers-file: " + file;
    try {
      FileTime modified = Files.getLastModifiedTime(file);
      Object root = YAML.readValue(file.toFile(), Object.class);
      if (!(root instanceof Map<?, ?> map) || !(map.get("waivers") instanceof List<?> entries)) {
        throw new IllegalStateException(where + ": expected a mapping with a list 'waivers'");
      }
      List<Waiver> out = new ArrayList<>();
      Set<String> ids = new HashSet<>();
      for (int i = 0; i < entries.size(); i++) {
        String at = where + ": waivers[" + i + "]";
        if (!(entries.get(i) instanceof Map<?, ?> entry)) {
          throw new IllegalStateException(at + ": expected a mapping");
        }
        for (Object key : entry.keySet()) {
          if (!FIELDS.contains(String.valueOf(key))) {
            throw new IllegalStateException(at + ": unknown field '" + key + "' (known: " + new java.util.TreeSet<>(FIELDS) + ")");
          }
        }
        Waiver w = entry(entry, at);
        if (!ids.add(w.id())) {
          throw new IllegalStateException(at + ": id '" + w.id().substring(5) + "' is used twice");
        }
        out.add(w);
      }
      readAt = modified;
      return List.copyOf(out);
    } catch (IOException e) {
      throw new IllegalStateException(where + ": cannot read: " + e.getMessage(), e);
    } catch (JacksonException e) {
      throw new IllegalStateException(where + ": not valid YAML: " + io.aimsmonitor.fact.ParseErrors.oneLine(e), e);
    }
  }

  private Waiver entry(Map<?, ?> e, String at) {
    String id = text(e, "id", at, true);
    if (!ID.matcher(id).matches()) {
      throw new IllegalStateException(at + ": id '" + id + "' must be 1-50 letters, digits, '.', '_' or '-'");
    }
    at = at + " (" + id + ")";
    String requestedBy = text(e, "requestedBy", at, true);
    Instant requestedAt = time(e, "requestedAt", at, true);
    Instant expiresAt = time(e, "expiresAt", at, true);
    String approvedBy = text(e, "approvedBy", at, false);
    Instant approvedAt = time(e, "approvedAt", at, false);
    WaiverRequest request = new WaiverRequest(text(e, "finding", at, false), text(e, "rule", at, false),
        text(e, "subject", at, false), text(e, "justification", at, true), expiresAt);
    Waiver.Scope scope;
    try {
      scope = policy.check(request, requestedAt);
    } catch (IllegalArgumentException ex) {
      throw new IllegalStateException(at + ": " + ex.getMessage()
          .replace("findingId", "finding").replace("ruleId", "rule").replace("subjectPattern", "subject"), ex);
    }
    if (approvedBy == null) {
      if (policy.properties().fourEyes()) {
        throw new IllegalStateException(at + ": approvedBy is required in four-eyes mode (aims.review.four-eyes)");
      }
      approvedBy = requestedBy; // without four-eyes a request is its own approval
    }
    Waiver w = new Waiver("file:" + id, scope, request.findingId(), request.ruleId(), request.subjectPattern(),
        request.justification().strip(), requestedBy, requestedAt, approvedBy, approvedAt == null ? requestedAt : approvedAt,
        expiresAt, null, null, null);
    try {
      policy.checkApprover(w, approvedBy);
    } catch (ForbiddenActionException ex) {
      throw new IllegalStateException(at + ": " + ex.getMessage(), ex);
    }
    return w;
  }

  private static String text(Map<?, ?> e, String field, String at, boolean required) {
    Object v = e.get(field);
    if (v == null || v.toString().isBlank()) {
      if (required) {
        throw new IllegalStateException(at + ": " + field + " is required");
      }
      return null;
    }
    if (v instanceof Map<?, ?> || v instanceof List<?>) {
      throw new IllegalStateException(at + ": " + field + " must be text");
    }
    return v.toString().strip();
  }

  private static Instant time(Map<?, ?> e, String field, String at, boolean required) {
    String v = text(e, field, at, required);
    if (v == null) {
      return null;
    }
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException ex) {
      throw new IllegalStateException(at + ": " + field + " '" + v + "' is not an ISO-8601 instant such as 2027-01-31T00:00:00Z");
    }
  }
}
