package io.aimsmonitor.store;

import static io.aimsmonitor.store.SnapshotRepository.instant;
import static io.aimsmonitor.store.SnapshotRepository.utc;

import io.aimsmonitor.fact.FactJson;
import io.aimsmonitor.fact.Subject;
import io.aimsmonitor.finding.ControlAssessment;
import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.finding.Finding.Status;
import io.aimsmonitor.finding.FindingEvent;
import io.aimsmonitor.finding.Reconciler;
import io.aimsmonitor.rules.Severity;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;

/** Findings, their controls and their history. Reconciliation results are applied in one transaction. */
public class FindingRepository {

  /**
   * Filters for {@link #list}; null fields do not filter.
   *
   * @param waived true: only findings a waiver in force covers; false: only the others
   * @param subjectKeys only findings about one of these subjects (an AI system's, for example)
   * @param assignee only findings assigned to this person or team
   */
  public record Query(Status status, Boolean stale, Severity minSeverity, String control, String ruleId, String pack,
      int limit, int offset, Boolean waived, Collection<String> subjectKeys, String assignee) {

    public Query(Status status, Boolean stale, Severity minSeverity, String control, String ruleId, String pack,
        int limit, int offset) {
      this(status, stale, minSeverity, control, ruleId, pack, limit, offset, null, null, null);
    }

    public static Query all() {
      return new Query(null, null, null, null, null, null, 10_000, 0);
    }
  }

  /** Whether a finding is covered by a waiver in force (as of the last evaluation or waiver action). */
  private static final String WAIVED =
      "EXISTS (SELECT 1 FROM finding_workflow w WHERE w.finding_id = f.id AND w.waiver_id IS NOT NULL)";

  /** One page of findings and the total matching the query. */
  public record Page(List<Finding> items, long total) {}

  private static final int CHUNK = 500;

  private final JdbcClient jdbc;
  private final JdbcTemplate template;
  private final TransactionTemplate tx;

  public FindingRepository(JdbcClient jdbc, JdbcTemplate template, TransactionTemplate tx) {
    this.jdbc = jdbc;
    this.template = template;
    this.tx = tx;
  }

  /** Every open finding, plus the findings with the given ids whatever their status. */
  public Map<String, Finding> forReconcile(Collection<String> ids) {
    Map<String, Finding> out = new HashMap<>();
    jdbc.sql("SELECT * FROM finding WHERE status = 'OPEN'").query(this::finding).list().forEach(f -> out.put(f.id(), f));
    List<String> missing = ids.stream().filter(id -> !out.containsKey(id)).distinct().toList();
    for (int i = 0; i < missing.size(); i += CHUNK) {
      List<String> chunk = missing.subList(i, Math.min(missing.size(), i + CHUNK));
      jdbc.sql("SELECT * FROM finding WHERE id IN (:ids)").param("ids", chunk).query(this::finding).list()
          .forEach(f -> out.put(f.id(), f));
    }
    return out;
  }

  /** Applies a reconciliation atomically: either every change and event is stored, or none. */
  public void apply(Reconciler.Result result) {
    if (result.changed().isEmpty() && result.events().isEmpty() && result.seenUnchanged().isEmpty()) {
      return;
    }
    tx.executeWithoutResult(status -> {
      template.batchUpdate("UPDATE finding SET last_seen = ? WHERE id = ?",
          result.seenUnchanged().stream().map(id -> new Object[] {utc(result.at()), id}).toList());
      List<Finding> changed = result.changed();
      int[] updated = template.batchUpdate("UPDATE finding SET rule_id=?, pack=?, title=?, severity=?, controls=?, message=?,"
              + " remediation=?, subject_type=?, subject_key=?, subject_name=?, subject_url=?, evidence=?, status=?,"
              + " stale=?, first_seen=?, last_seen=?, resolved_at=? WHERE id=?",
          changed.stream().map(f -> row(f, false)).toList());
      List<Finding> inserts = new ArrayList<>();
      for (int i = 0; i < changed.size(); i++) {
        if (updated[i] == 0) {
          inserts.add(changed.get(i));
        }
      }
      template.batchUpdate("INSERT INTO finding (id, rule_id, pack, title, severity, controls, message, remediation, subject_type,"
              + " subject_key, subject_name, subject_url, evidence, status, stale, first_seen, last_seen, resolved_at)"
              + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
          inserts.stream().map(f -> row(f, true)).toList());
      template.batchUpdate("DELETE FROM finding_control WHERE finding_id = ?",
          changed.stream().map(f -> new Object[] {f.id()}).toList());
      template.batchUpdate("INSERT INTO finding_control (finding_id, control_id) VALUES (?, ?)",
          changed.stream().flatMap(f -> f.controls().stream().distinct().map(c -> new Object[] {f.id(), c})).toList());
      template.batchUpdate("INSERT INTO finding_event (finding_id, at, type, actor, detail) VALUES (?,?,?,?,?)",
          result.events().stream().map(e -> new Object[] {e.findingId(), utc(e.at()), e.type().name(), e.actor(),
              e.detail()}).toList());
    });
  }

  private static Object[] row(Finding f, boolean insert) {
    Object[] values = {f.ruleId(), f.pack(), f.title(), f.severity().name(), String.join(",", f.controls()), f.message(), f.remediation(),
        f.subject().type(), f.subject().key(), f.subject().displayName(), f.subject().url(),
        FactJson.MAPPER.writeValueAsString(f.evidence()), f.status().name(), f.stale(), utc(f.firstSeen()),
        utc(f.lastSeen()), utc(f.resolvedAt())};
    Object[] out = new Object[values.length + 1];
    if (insert) {
      out[0] = f.id();
      System.arraycopy(values, 0, out, 1, values.length);
    } else {
      System.arraycopy(values, 0, out, 0, values.length);
      out[values.length] = f.id();
    }
    return out;
  }

  public Optional<Finding> get(String id) {
    return jdbc.sql("SELECT * FROM finding WHERE id = ?").param(id).query(this::finding).optional();
  }

  public List<FindingEvent> history(String id) {
    return jdbc.sql("SELECT finding_id, at, type, actor, detail FROM finding_event WHERE finding_id = ? ORDER BY id")
        .param(id)
        .query((rs, n) -> new FindingEvent(rs.getString(1), instant(rs, 2), FindingEvent.Type.valueOf(rs.getString(3)),
            rs.getString(4), rs.getString(5)))
        .list();
  }

  public Page list(Query q) {
    StringBuilder where = new StringBuilder(" WHERE 1=1");
    Map<String, Object> params = new LinkedHashMap<>();
    if (q.status() != null) {
      where.append(" AND f.status = :status");
      params.put("status", q.status().name());
    }
    if (q.stale() != null) {
      where.append(" AND f.stale = :stale");
      params.put("stale", q.stale());
    }
    if (q.minSeverity() != null) {
      where.append(" AND f.severity IN (:severities)");
      params.put("severities", java.util.Arrays.stream(Severity.values()).filter(s -> s.atLeast(q.minSeverity()))
          .map(Severity::name).toList());
    }
    if (q.control() != null) {
      where.append(" AND EXISTS (SELECT 1 FROM finding_control c WHERE c.finding_id = f.id AND c.control_id = :control)");
      params.put("control", q.control());
    }
    if (q.ruleId() != null) {
      where.append(" AND f.rule_id = :rule");
      params.put("rule", q.ruleId());
    }
    if (q.pack() != null) {
      where.append(" AND f.pack = :pack");
      params.put("pack", q.pack());
    }
    if (q.waived() != null) {
      where.append(q.waived() ? " AND " : " AND NOT ").append(WAIVED);
    }
    if (q.subjectKeys() != null) {
      if (q.subjectKeys().isEmpty()) {
        return new Page(List.of(), 0);
      }
      // an AI system has tens to hundreds of subjects: one bound list each is fine for H2 and PostgreSQL
      where.append(" AND f.subject_key IN (:subjects)");
      params.put("subjects", List.copyOf(q.subjectKeys()));
    }
    if (q.assignee() != null) {
      where.append(" AND EXISTS (SELECT 1 FROM finding_workflow a WHERE a.finding_id = f.id AND a.assignee = :assignee)");
      params.put("assignee", q.assignee());
    }
    long total = jdbc.sql("SELECT COUNT(*) FROM finding f" + where).params(params).query(Long.class).single();
    List<Finding> items = jdbc.sql("SELECT f.* FROM finding f" + where
            + " ORDER BY CASE f.status WHEN 'OPEN' THEN 0 ELSE 1 END, CASE f.severity WHEN 'CRITICAL' THEN 0"
            + " WHEN 'HIGH' THEN 1 WHEN 'MEDIUM' THEN 2 WHEN 'LOW' THEN 3 ELSE 4 END, f.rule_id, f.subject_key"
            + " OFFSET " + Math.max(0, q.offset()) + " ROWS FETCH NEXT " + Math.max(1, q.limit()) + " ROWS ONLY")
        .params(params).query(this::finding).list();
    return new Page(items, total);
  }

  /** Open findings no waiver covers, per (pack, rule, severity, stale), for metrics. */
  public List<Map<String, Object>> openByRule() {
    return jdbc.sql("SELECT f.pack, f.rule_id, f.severity, f.stale, COUNT(*) AS n FROM finding f WHERE f.status = 'OPEN'"
        + " AND NOT " + WAIVED + " GROUP BY f.pack, f.rule_id, f.severity, f.stale").query().listOfRows();
  }

  /**
   * Findings per (pack, rule, severity, state), state being {@code open}, {@code waived} (open, but
   * covered by a waiver in force) or {@code resolved}, for metrics.
   */
  public List<Map<String, Object>> countsByState() {
    return jdbc.sql("SELECT f.pack, f.rule_id, f.severity, CASE WHEN f.status = 'RESOLVED' THEN 'resolved' WHEN " + WAIVED
        + " THEN 'waived' ELSE 'open' END AS state, COUNT(*) AS n FROM finding f GROUP BY f.pack, f.rule_id, f.severity,"
        + " CASE WHEN f.status = 'RESOLVED' THEN 'resolved' WHEN " + WAIVED + " THEN 'waived' ELSE 'open' END")
        .query().listOfRows();
  }

  /** An open finding in brief, for summaries per subject (AI systems). */
  public record OpenSummary(String id, String subjectKey, Severity severity, boolean stale, boolean waived,
      List<String> controls) {}

  /** Every open finding in brief, waived ones included and marked. */
  public List<OpenSummary> openSummaries() {
    return jdbc.sql("SELECT f.id, f.subject_key, f.severity, f.stale, f.controls, CASE WHEN " + WAIVED
            + " THEN 1 ELSE 0 END AS waived FROM finding f WHERE f.status = 'OPEN'")
        .query((rs, n) -> new OpenSummary(rs.getString("id"), rs.getString("subject_key"),
            Severity.valueOf(rs.getString("severity")), rs.getBoolean("stale"), rs.getInt("waived") == 1,
            List.of(rs.getString("controls").split(","))))
        .list();
  }

  /** Open findings no waiver covers, per (control, severity, stale), for metrics and the coverage report. */
  public List<Map<String, Object>> openByControl() {
    return jdbc.sql("SELECT c.control_id, f.severity, f.stale, COUNT(*) AS n FROM finding f"
        + " JOIN finding_control c ON c.finding_id = f.id WHERE f.status = 'OPEN' AND NOT " + WAIVED
        + " GROUP BY c.control_id, f.severity, f.stale").query().listOfRows();
  }

  /** Open findings per control, fresh and stale, as {@code ControlAssessment} takes them. */
  public Map<String, ControlAssessment.OpenCounts> openCountsByControl() {
    Map<String, long[]> counts = new HashMap<>();
    for (Map<String, Object> row : openByControl()) {
      boolean stale = Boolean.TRUE.equals(row.get("stale"));
      counts.computeIfAbsent((String) row.get("control_id"), k -> new long[2])[stale ? 1 : 0] +=
          ((Number) row.get("n")).longValue();
    }
    Map<String, ControlAssessment.OpenCounts> out = new HashMap<>();
    counts.forEach((control, c) -> out.put(control, new ControlAssessment.OpenCounts(c[0], c[1])));
    return out;
  }

  /** Lifecycle events per (pack, rule, severity, type), for the events counter. */
  public List<Map<String, Object>> eventCounts(Set<FindingEvent.Type> types) {
    return jdbc.sql("SELECT f.pack, f.rule_id, f.severity, e.type, COUNT(*) AS n FROM finding_event e"
            + " JOIN finding f ON f.id = e.finding_id WHERE e.type IN (:types) GROUP BY f.pack, f.rule_id, f.severity, e.type")
        .param("types", types.stream().map(Enum::name).toList()).query().listOfRows();
  }

  private Finding finding(ResultSet rs, int n) throws SQLException {
    String id = rs.getString("id");
    List<String> controls = List.of(rs.getString("controls").split(","));
    String evidence = rs.getString("evidence");
    return new Finding(id, rs.getString("rule_id"), rs.getString("pack"), rs.getString("title"),
        Severity.valueOf(rs.getString("severity")), controls, rs.getString("message"), rs.getString("remediation"),
        new Subject(rs.getString("subject_type"), rs.getString("subject_key"), rs.getString("subject_name"),
            rs.getString("subject_url")),
        evidence == null ? Map.of() : FactJson.MAPPER.readValue(evidence, new TypeReference<Map<String, Object>>() {}),
        Status.valueOf(rs.getString("status").toUpperCase(Locale.ROOT)), rs.getBoolean("stale"),
        instant(rs, "first_seen"), instant(rs, "last_seen"), instant(rs, "resolved_at"));
  }
}
