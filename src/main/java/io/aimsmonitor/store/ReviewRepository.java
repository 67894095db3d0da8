package io.aimsmonitor.store;

import io.aimsmonitor.integrity.HashChains;
import static io.aimsmonitor.store.SnapshotRepository.instant;
import static io.aimsmonitor.store.SnapshotRepository.utc;

import io.aimsmonitor.finding.FindingEvent;
import io.aimsmonitor.finding.Waiver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Waivers and the per-finding workflow rows (acknowledgement, assignee, due date, waiver in force). */
public class ReviewRepository {

  /**
   * One finding's workflow row as stored; absent fields are null.
   *
   * @param waiverId the waiver in force as of the last evaluation or waiver action
   */
  public record WorkflowRow(String findingId, String acknowledgedBy, Instant acknowledgedAt, String assignee,
      String assigneeSource, Instant dueAt, String waiverId) {

    public static WorkflowRow empty(String findingId) {
      return new WorkflowRow(findingId, null, null, null, null, null, null);
    }

    public WorkflowRow withAcknowledged(String by, Instant at) {
      return new WorkflowRow(findingId, by, at, assignee, assigneeSource, dueAt, waiverId);
    }

    public WorkflowRow withAssignee(String who, String source) {
      return new WorkflowRow(findingId, acknowledgedBy, acknowledgedAt, who, who == null ? null : source, dueAt, waiverId);
    }

    public WorkflowRow withDueAt(Instant due) {
      return new WorkflowRow(findingId, acknowledgedBy, acknowledgedAt, assignee, assigneeSource, due, waiverId);
    }

    public WorkflowRow withWaiver(String id) {
      return new WorkflowRow(findingId, acknowledgedBy, acknowledgedAt, assignee, assigneeSource, dueAt, id);
    }
  }

  /**
   * An open finding as the waiver sync needs it.
   *
   * @param stored whether it has a workflow row (else {@code workflow} is {@link WorkflowRow#empty})
   */
  public record OpenFinding(String id, String ruleId, String subjectKey, String subjectType, WorkflowRow workflow,
      boolean stored) {}

  /** Ids per IN list: well below every driver's parameter limit. */
  public static final int CHUNK = 500;

  private final JdbcClient jdbc;
  private final JdbcTemplate template;
  private final TransactionTemplate tx;
  private final HashChains chains;

  public ReviewRepository(JdbcClient jdbc, JdbcTemplate template, TransactionTemplate tx) {
    this.jdbc = jdbc;
    this.template = template;
    this.tx = tx;
    this.chains = new HashChains(template); // same DataSource: chains in the writer's transaction
  }

  /** Runs {@code work} in one transaction (joining the caller's, if any). */
  public <T> T inTransaction(Supplier<T> work) {
    return tx.execute(status -> work.get());
  }

  // --- waivers -------------------------------------------------------------------------------

  public List<Waiver> waivers() {
    return jdbc.sql("SELECT * FROM waiver ORDER BY requested_at, id").query(this::mapWaiver).list();
  }

  /**
   * The waivers (in any state) that may cover these findings: for one of them, or for one of their
   * rules. One query for up to {@value #CHUNK} findings; the caller checks the subject pattern.
   */
  public List<Waiver> waiversFor(Collection<String> findingIds, Collection<String> ruleIds) {
    List<String> ids = findingIds.stream().distinct().toList();
    List<String> rules = ruleIds.stream().distinct().toList();
    if (ids.isEmpty() && rules.isEmpty()) {
      return List.of();
    }
    if (ids.size() > CHUNK || rules.size() > CHUNK) {
      throw new IllegalArgumentException("at most " + CHUNK + " findings and rules per lookup, got " + ids.size()
          + " and " + rules.size() + ": the caller splits larger sets");
    }
    // an empty IN () is not valid SQL: a value no id can take stands in
    return jdbc.sql("SELECT * FROM waiver WHERE (scope = 'FINDING' AND finding_id IN (:ids))"
            + " OR (scope = 'RULE' AND rule_id IN (:rules)) ORDER BY requested_at, id")
        .param("ids", ids.isEmpty() ? List.of("") : ids).param("rules", rules.isEmpty() ? List.of("") : rules)
        .query(this::mapWaiver).list();
  }

  public Optional<Waiver> waiver(String id) {
    return jdbc.sql("SELECT * FROM waiver WHERE id = ?").param(id).query(this::mapWaiver).optional();
  }

  public void insert(Waiver w) {
    jdbc.sql("INSERT INTO waiver (id, scope, finding_id, rule_id, subject_pattern, justification, requested_by,"
            + " requested_at, approved_by, approved_at, expires_at, revoked_by, revoked_at, revoke_reason)"
            + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
        .params(w.id(), w.scope().name(), w.findingId(), w.ruleId(), w.subjectPattern(), w.justification(),
            w.requestedBy(), utc(w.requestedAt()), w.approvedBy(), utc(w.approvedAt()), utc(w.expiresAt()),
            w.revokedBy(), utc(w.revokedAt()), w.revokeReason())
        .update();
    chains.recordWaiver(w.id(), "requested", w.requestedAt());
  }

  /**
   * Records an approval or revocation. Only a waiver still in the expected state changes, so two
   * reviewers acting at once cannot both approve, or approve what was just revoked.
   *
   * @return whether the waiver changed
   */
  public boolean update(Waiver w, Waiver expected) {
    boolean changed = jdbc.sql("UPDATE waiver SET approved_by = ?, approved_at = ?, revoked_by = ?, revoked_at = ?,"
            + " revoke_reason = ? WHERE id = ? AND " + (expected.approvedAt() == null ? "approved_at IS NULL" : "approved_at IS NOT NULL")
            + " AND " + (expected.revokedAt() == null ? "revoked_at IS NULL" : "revoked_at IS NOT NULL"))
        .params(w.approvedBy(), utc(w.approvedAt()), w.revokedBy(), utc(w.revokedAt()), w.revokeReason(), w.id())
        .update() == 1;
    if (changed) {
      boolean revoked = w.revokedAt() != null;
      chains.recordWaiver(w.id(), revoked ? "revoked" : "approved", revoked ? w.revokedAt() : w.approvedAt());
    }
    return changed;
  }

  private Waiver mapWaiver(ResultSet rs, int n) throws SQLException {
    return new Waiver(rs.getString("id"), Waiver.Scope.valueOf(rs.getString("scope")), rs.getString("finding_id"),
        rs.getString("rule_id"), rs.getString("subject_pattern"), rs.getString("justification"),
        rs.getString("requested_by"), instant(rs, "requested_at"), rs.getString("approved_by"),
        instant(rs, "approved_at"), instant(rs, "expires_at"), rs.getString("revoked_by"), instant(rs, "revoked_at"),
        rs.getString("revoke_reason"));
  }

  // --- workflow rows -------------------------------------------------------------------------

  public Map<String, WorkflowRow> workflows(Collection<String> findingIds) {
    Map<String, WorkflowRow> out = new HashMap<>();
    List<String> ids = findingIds.stream().distinct().toList();
    for (int i = 0; i < ids.size(); i += CHUNK) {
      jdbc.sql("SELECT * FROM finding_workflow WHERE finding_id IN (:ids)").param("ids", ids.subList(i,
              Math.min(ids.size(), i + CHUNK)))
          .query(ReviewRepository::row).list().forEach(r -> out.put(r.findingId(), r));
    }
    return out;
  }

  public WorkflowRow workflow(String findingId) {
    return jdbc.sql("SELECT * FROM finding_workflow WHERE finding_id = ?").param(findingId)
        .query(ReviewRepository::row).optional().orElse(WorkflowRow.empty(findingId));
  }

  private static final String OPEN_FINDINGS = "SELECT f.id, f.rule_id, f.subject_key, f.subject_type, w.* FROM finding f"
      + " LEFT JOIN finding_workflow w ON w.finding_id = f.id WHERE f.status = 'OPEN'";

  /**
   * {@link #OPEN_FINDINGS} read by one pass over the table on H2 ({@code USE INDEX ()}), for
   * {@link #openFindings()}. WHY: through the status index H2 fetched each open finding's row in
   * (severity, id) order, so it went over the table's pages once per severity, and on the first
   * evaluation, right after inserting every finding (pages the 16 MB page cache no longer held),
   * reading them back was most of the review sync (issue #14: 13.6 s of its 23.7 s at 300,000
   * facts under load). A pass reads each page once, in the order the rows were inserted; it reads
   * resolved findings too, which costs more than the index only where they are several times the
   * open ones.
   */
  static final String OPEN_FINDINGS_H2 = OPEN_FINDINGS.replace(" FROM finding f ", " FROM finding f USE INDEX () ");

  /**
   * Whether any finding is open: one entry of the status index. The review sync asks it before a
   * store that would otherwise be followed by a read of every open finding ({@code ReviewService}).
   */
  public boolean anyOpenFinding() {
    return !jdbc.sql("SELECT id FROM finding WHERE status = 'OPEN' FETCH FIRST 1 ROWS ONLY").query(String.class)
        .list().isEmpty();
  }

  /** Every open finding with its workflow row (empty when it has none). */
  public List<OpenFinding> openFindings() {
    return jdbc.sql(postgres() ? OPEN_FINDINGS : OPEN_FINDINGS_H2).query(ReviewRepository::openFinding).list();
  }

  /**
   * The open findings among {@code ids}, with their workflow rows: what an evaluation's waiver sync
   * reads when only some findings can have changed. On PostgreSQL one {@code id = ANY(?)} per
   * {@value #ARRAY_CHUNK} ids; elsewhere one {@code IN} list per {@value #CHUNK}. WHY: the sync after
   * a 1% change looks up every rule's finding of each subject whose owner changed (about 19,000 ids
   * at 300,000 facts, most of them no finding), so on PostgreSQL 39 round trips became 2.
   */
  public List<OpenFinding> openFindings(Collection<String> ids) {
    List<OpenFinding> out = new ArrayList<>();
    List<String> list = ids.stream().distinct().toList();
    if (postgres()) {
      for (int i = 0; i < list.size(); i += ARRAY_CHUNK) {
        Object[] chunk = list.subList(i, Math.min(list.size(), i + ARRAY_CHUNK)).toArray();
        out.addAll(template.query(con -> {
          java.sql.PreparedStatement ps = con.prepareStatement(OPEN_FINDINGS + " AND f.id = ANY(?)");
          ps.setArray(1, con.createArrayOf("varchar", chunk));
          return ps;
        }, ReviewRepository::openFinding));
      }
      return out;
    }
    for (int i = 0; i < list.size(); i += CHUNK) {
      out.addAll(jdbc.sql(OPEN_FINDINGS + " AND f.id IN (:ids)").param("ids", list.subList(i, Math.min(list.size(), i + CHUNK)))
          .query(ReviewRepository::openFinding).list());
    }
    return out;
  }

  /** Ids per array parameter on PostgreSQL (as {@code FindingRepository} reads findings by id). */
  static final int ARRAY_CHUNK = 10_000;

  private Boolean postgres;

  private boolean postgres() {
    Boolean known = postgres;
    if (known == null) {
      known = "PostgreSQL".equals(template.execute((org.springframework.jdbc.core.ConnectionCallback<String>) c ->
          c.getMetaData().getDatabaseProductName()));
      postgres = known;
    }
    return known;
  }

  /**
   * How far the finding events' hash chain reaches, as committed: an event appended after this is
   * read has a larger {@code chain_seq} (appends take the chain's head lock; docs/evidence.md).
   */
  public long findingEventsHead() {
    return jdbc.sql("SELECT last_seq FROM hash_chain WHERE name = 'finding_event'").query(Long.class).single();
  }

  /** The findings assigned, or reset to their owner, by any replica after chain position {@code head}. */
  public List<String> assignedSince(long head) {
    return jdbc.sql("SELECT DISTINCT finding_id FROM finding_event WHERE chain_seq > ? AND type = 'ASSIGNED'")
        .param(head).query(String.class).list();
  }

  private static OpenFinding openFinding(ResultSet rs, int n) throws SQLException {
    String id = rs.getString(1);
    boolean stored = rs.getString("finding_id") != null;
    return new OpenFinding(id, rs.getString(2), rs.getString(3), rs.getString(4), stored ? row(rs, n) : WorkflowRow.empty(id),
        stored);
  }

  /** Gives each finding a (blank) workflow row if it has none, so that the column updates below find it. */
  public void ensureRows(Collection<String> findingIds) {
    if (findingIds.isEmpty()) {
      return;
    }
    Map<String, WorkflowRow> existing = workflows(findingIds);
    template.batchUpdate("INSERT INTO finding_workflow (finding_id) VALUES (?)",
        findingIds.stream().distinct().filter(id -> !existing.containsKey(id)).map(id -> new Object[] {id}).toList());
  }

  /**
   * Writes the workflow rows of findings that have none yet, with the waiver and default assignee
   * the sync gave them (an assignee comes from the subject's owner). WHY: the first evaluation gives
   * most new findings an owner; through {@link #setDefaultAssignees} each was looked up, inserted
   * blank and then updated, three statements per finding where one insert does.
   */
  public void insertRows(Collection<WorkflowRow> rows) {
    template.batchUpdate("INSERT INTO finding_workflow (finding_id, assignee, assignee_source, waiver_id) VALUES (?,?,?,?)",
        rows.stream().map(r -> new Object[] {r.findingId(), r.assignee(), r.assignee() == null ? null : r.assigneeSource(),
            r.waiverId()}).toList());
  }

  /**
   * Records the waiver in force per finding (null: none) in its workflow row, which it has
   * ({@link #insertRows} writes those of findings without one). Only this column changes, so an
   * evaluation never overwrites what a reviewer did at the same moment. WHY no look-up of the rows
   * first: the sync read them with the findings, and reading them again was one more page read per
   * finding on H2 (issue #14).
   */
  public void setWaivers(Map<String, String> waiverByFinding) {
    template.batchUpdate("UPDATE finding_workflow SET waiver_id = ? WHERE finding_id = ?",
        waiverByFinding.entrySet().stream().map(e -> new Object[] {e.getValue(), e.getKey()}).toList());
  }

  /**
   * Sets the default assignee (the subject's owner) where no reviewer assigned someone explicitly,
   * in workflow rows the findings have, as {@link #setWaivers}.
   */
  public void setDefaultAssignees(Map<String, String> ownerByFinding) {
    template.batchUpdate("UPDATE finding_workflow SET assignee = ?, assignee_source = 'owner' WHERE finding_id = ?"
            + " AND (assignee_source IS NULL OR assignee_source = 'owner')",
        ownerByFinding.entrySet().stream().map(e -> new Object[] {e.getValue(), e.getKey()}).toList());
  }

  public void setAcknowledged(String findingId, String by, Instant at) {
    ensureRows(List.of(findingId));
    jdbc.sql("UPDATE finding_workflow SET acknowledged_by = ?, acknowledged_at = ? WHERE finding_id = ?")
        .params(by, utc(at), findingId).update();
  }

  /** @param source {@code explicit} or {@code owner}; ignored when {@code assignee} is null */
  public void setAssignee(String findingId, String assignee, String source) {
    ensureRows(List.of(findingId));
    jdbc.sql("UPDATE finding_workflow SET assignee = ?, assignee_source = ? WHERE finding_id = ?")
        .params(assignee, assignee == null ? null : source, findingId).update();
  }

  /** @param due null: back to the default for the finding's severity */
  public void setDue(String findingId, Instant due) {
    ensureRows(List.of(findingId));
    jdbc.sql("UPDATE finding_workflow SET due_at = ? WHERE finding_id = ?").params(utc(due), findingId).update();
  }

  public void addEvents(List<FindingEvent> events) {
    FindingRepository.appendEvents(chains, events);
  }

  /**
   * The workflow row's finding is open. WHY a correlated EXISTS on {@code finding_workflow} rather than a
   * join: joined, H2's planner drove the query from the 80,000 open findings (their status index) and
   * probed the workflow per finding, 0.7 s per control on an idle machine at 100,000 findings, once
   * per control for the controls report (10 s for the overview). Driven from the workflow rows,
   * the cost follows how many findings reviewers touched, with a primary-key probe each.
   */
  private static final String OPEN_FINDING =
      "EXISTS (SELECT 1 FROM finding f WHERE f.id = w.finding_id AND f.status = 'OPEN')";

  /** Open findings citing {@code controlId} per waiver covering them: for the controls report's exclusions. */
  public Map<String, Long> waivedForControl(String controlId) {
    Map<String, Long> out = new LinkedHashMap<>();
    jdbc.sql("SELECT w.waiver_id, COUNT(*) AS n FROM finding_workflow w WHERE w.waiver_id IS NOT NULL AND " + OPEN_FINDING
            + " AND EXISTS (SELECT 1 FROM finding_control c WHERE c.finding_id = w.finding_id AND c.control_id = ?)"
            + " GROUP BY w.waiver_id ORDER BY w.waiver_id")
        .param(controlId).query().listOfRows()
        .forEach(r -> out.put((String) r.get("waiver_id"), ((Number) r.get("n")).longValue()));
    return out;
  }

  /** Open findings each waiver covers now (as of the last sync). */
  public Map<String, Long> waivedFindingsByWaiver() {
    Map<String, Long> out = new HashMap<>();
    jdbc.sql("SELECT w.waiver_id, COUNT(*) AS n FROM finding_workflow w WHERE w.waiver_id IS NOT NULL AND " + OPEN_FINDING
            + " GROUP BY w.waiver_id")
        .query().listOfRows().forEach(r -> out.put((String) r.get("waiver_id"), ((Number) r.get("n")).longValue()));
    return out;
  }

  /** A {@code finding_workflow} row from a result with its columns (also {@link FindingRepository#page}'s). */
  static WorkflowRow row(ResultSet rs, int n) throws SQLException {
    return new WorkflowRow(rs.getString("finding_id"), rs.getString("acknowledged_by"), instant(rs, "acknowledged_at"),
        rs.getString("assignee"), rs.getString("assignee_source"), instant(rs, "due_at"), rs.getString("waiver_id"));
  }
}
