package io.aimsmonitor.store;

import static io.aimsmonitor.store.SnapshotRepository.instant;
import static io.aimsmonitor.store.SnapshotRepository.utc;

import io.aimsmonitor.fact.FactJson;
import io.aimsmonitor.fact.Subject;
import io.aimsmonitor.finding.ControlAssessment;
import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.finding.Finding.Status;
import io.aimsmonitor.finding.FindingEvent;
import io.aimsmonitor.finding.FindingSummary;
import io.aimsmonitor.finding.Reconciler;
import io.aimsmonitor.integrity.Chain;
import io.aimsmonitor.integrity.HashChains;
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
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;

/** Findings, their controls and their history. Reconciliation results are applied in one transaction. */
public class FindingRepository {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(FindingRepository.class);

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
  static final String WAIVED =
      "EXISTS (SELECT 1 FROM finding_workflow w WHERE w.finding_id = f.id AND w.waiver_id IS NOT NULL)";

  /** One page of findings and the total matching the query. */
  public record Page(List<Finding> items, long total) {}

  /**
   * One page of a findings list.
   *
   * @param total how many findings match the filter (all pages)
   * @param next where the next page starts; null on the last page
   * @param workflows the review workflow row of each item that has one, read with the page
   */
  public record SummaryPage(List<FindingSummary> items, long total, FindingSort.Cursor next,
      Map<String, ReviewRepository.WorkflowRow> workflows) {

    public SummaryPage {
      items = List.copyOf(items);
      workflows = Map.copyOf(workflows);
    }
  }

  /**
   * When a finding was last seen. A finding violated in the last evaluation of its rule is
   * {@code seen_live}: it was seen by every evaluation since its row was written, so its last seen
   * is the latest evaluation's start, and a sighting that changes nothing writes nothing. The
   * reconciler fixes {@code last_seen} and clears the flag when such a finding is not seen (its pack
   * failed, or a stale source holds it open without a violation), and resolving one writes its row.
   */
  static final String LAST_SEEN = "CASE WHEN f.seen_live AND f.last_seen < (SELECT r.started_at FROM evaluation_run r"
      + " WHERE r.id = (SELECT MAX(r2.id) FROM evaluation_run r2)) THEN (SELECT r.started_at FROM evaluation_run r"
      + " WHERE r.id = (SELECT MAX(r2.id) FROM evaluation_run r2)) ELSE f.last_seen END";

  /** Every column of a finding, last seen as derived by {@link #LAST_SEEN}. */
  private static final String FINDING_COLUMNS = "f.*, " + LAST_SEEN + " AS seen_at";

  private static final String SUMMARY_COLUMNS = "f.id, f.rule_id, f.pack, f.title, f.severity, f.severity_rank,"
      + " f.controls, f.message, f.subject_type, f.subject_key, f.subject_name, f.subject_url, f.source, f.status,"
      + " f.stale, f.first_seen, " + LAST_SEEN + " AS seen_at, f.resolved_at";

  private static final int CHUNK = 500;
  /** Ids per statement where PostgreSQL takes them as one array parameter. */
  private static final int ARRAY_CHUNK = 10_000;

  /** Rows per JDBC batch of {@link #apply}. */
  private static final int BATCH = 1000;

  private final JdbcClient jdbc;
  private final JdbcTemplate template;
  private final TransactionTemplate tx;
  private final HashChains chains;
  private final FindingCounts counts;
  private final OpenFindingCounts open;
  private volatile Boolean h2;

  public FindingRepository(JdbcClient jdbc, JdbcTemplate template, TransactionTemplate tx) {
    this.jdbc = jdbc;
    this.template = template;
    this.tx = tx;
    this.chains = new HashChains(template); // same DataSource: seals in apply's transaction
    this.counts = new FindingCounts(jdbc);
    this.open = new OpenFindingCounts(jdbc);
  }

  /** Every open finding, plus the findings with the given ids whatever their status. */
  public Map<String, Finding> forReconcile(Collection<String> ids) {
    return reconcilable(ids).findings();
  }

  /**
   * What a reconciliation starts from.
   *
   * @param live ids of findings whose last seen follows the evaluation runs ({@link #LAST_SEEN})
   */
  public record Reconcilable(Map<String, Finding> findings, Set<String> live) {}

  /** Every open finding, plus the findings with the given ids whatever their status, and which follow the runs. */
  public Reconcilable reconcilable(Collection<String> ids) {
    Map<String, Finding> out = new HashMap<>();
    Set<String> live = new java.util.HashSet<>();
    org.springframework.jdbc.core.RowMapper<Finding> mapper = reconcilableMapper(live);
    jdbc.sql("SELECT " + FINDING_COLUMNS + " FROM finding f WHERE f.status = 'OPEN'").query(mapper).list()
        .forEach(f -> out.put(f.id(), f));
    readIn("f.id", ids.stream().filter(id -> !out.containsKey(id)).distinct().toList(), mapper, out);
    return withOwners(out, live);
  }

  /**
   * Only the findings with the given ids, whatever their status, and which of them follow the runs:
   * what a reconciliation of only the changes starts from (the other findings are known not to
   * change). Reads nothing when there are none.
   */
  public Reconcilable reconcilableOnly(Collection<String> ids) {
    Map<String, Finding> out = new HashMap<>();
    Set<String> live = new java.util.HashSet<>();
    readIn("f.id", ids.stream().distinct().toList(), reconcilableMapper(live), out);
    return withOwners(out, live);
  }

  private org.springframework.jdbc.core.RowMapper<Finding> reconcilableMapper(Set<String> live) {
    return (rs, n) -> {
      if (rs.getBoolean("seen_live")) {
        live.add(rs.getString("id"));
      }
      return finding(rs, n);
    };
  }

  private void readIn(String column, List<String> values, org.springframework.jdbc.core.RowMapper<Finding> mapper,
      Map<String, Finding> out) {
    if (postgres()) { // one array parameter per ARRAY_CHUNK ids: a twentieth of the round trips
      for (List<String> chunk : chunks(values, ARRAY_CHUNK)) {
        template.query(con -> {
          java.sql.PreparedStatement ps = con.prepareStatement("SELECT " + FINDING_COLUMNS + " FROM finding f WHERE "
              + column + " = ANY(?)");
          ps.setArray(1, con.createArrayOf("varchar", chunk.toArray()));
          return ps;
        }, mapper).forEach(f -> out.put(f.id(), f));
      }
      return;
    }
    for (int i = 0; i < values.size(); i += CHUNK) {
      List<String> chunk = values.subList(i, Math.min(values.size(), i + CHUNK));
      jdbc.sql("SELECT " + FINDING_COLUMNS + " FROM finding f WHERE " + column + " IN (:values)").param("values", chunk)
          .query(mapper).list().forEach(f -> out.put(f.id(), f));
    }
  }

  private Reconcilable withOwners(Map<String, Finding> out, Set<String> live) {
    if (!out.isEmpty()) {
      Map<String, List<String>> owners = owners(out.keySet());
      out.replaceAll((id, f) -> withOwners(f, owners));
    }
    return new Reconcilable(out, live);
  }

  /**
   * Applies a reconciliation atomically: either every change and event is stored, or none.
   *
   * <p>It writes only what differs from what the store held when the reconciliation read the
   * findings ({@link Reconciler.Result#before}; read here when the result does not carry it): a new
   * finding is inserted with its controls and owners; a finding whose content changed is one UPDATE
   * of its row; one whose row stays but whose last seen stops or starts following the evaluation
   * runs has only {@code last_seen} and {@code seen_live} set ({@link #markSeen}); controls and owners
   * are compared as sets, and only the rows that went are deleted and those that came inserted. WHY
   * (issue #14): the 1% cycle at 300,000 facts rewrote 15,770 finding rows and deleted and
   * re-inserted all their controls and owners when only one owner of each had moved; on H2 each row
   * written is also an undo-log entry per index that the commit visits.
   *
   * <p>WHY it is written this way (issue #14: 100,000 new findings took 34 s on PostgreSQL, most of it
   * round trips and per-row statements): every write is a JDBC batch, and on PostgreSQL the rows
   * inserted are sent with COPY, one command per table ({@link PostgresCopy}); a new finding costs
   * its inserted rows and nothing else (that it is new is known from the read); and the events are
   * inserted already chained ({@link HashChains#append}).
   *
   * <p>On H2 (issue #14, the first evaluation at 1,000,000 facts spent 170 s writing 304,476 new
   * findings): the changed findings are written in id order and the events grouped by finding, so
   * that the B-trees keyed by finding id are filled front to back, and the H2 commit, which visits
   * every index entry the transaction wrote, finds them in order. Rows go out in JDBC batches of
   * {@value #BATCH}, built one batch at a time. It stays one transaction, so a failed store leaves
   * nothing half-written (H2's commit visits each index entry written once, however the writes are
   * split into transactions).
   */
  public void apply(Reconciler.Result result) {
    if (result.isEmpty()) {
      return;
    }
    Laps laps = new Laps();
    tx.executeWithoutResult(status -> {
      // in id order: the findings' primary key and the controls' and owners' keys (which start with
      // it) are then written front to back instead of at random (ids are hashes); on H2 that halved
      // the store's CPU for 30,000 new findings, inserting and committing alike (issue #14)
      List<Finding> changed = new ArrayList<>(result.changed());
      changed.sort(java.util.Comparator.comparing(Finding::id));
      Reconciler.Stored before = result.before() != null ? result.before() : stored(changed);
      Writes w = new Writes();
      result.seenUnchanged().forEach(id -> w.seen.put(id, result.at()));
      w.unseen.putAll(result.unseen());
      for (Finding f : changed) {
        w.add(f, before.findings().get(f.id()), before.live().contains(f.id()), result.live().contains(f.id()));
      }
      laps.lap("compare");
      markSeen(w.seen, true);
      markSeen(w.unseen, false);
      laps.lap("last seen");
      int[] updated = batch("UPDATE finding SET rule_id=?, pack=?, title=?, severity=?, controls=?, message=?,"
              + " remediation=?, subject_type=?, subject_key=?, subject_name=?, subject_url=?, evidence=?, status=?,"
              + " stale=?, first_seen=?, last_seen=?, resolved_at=?, severity_rank=?, source=?, seen_live=? WHERE id=?",
          w.updates, f -> row(f, false, result.live().contains(f.id())));
      for (int i = 0; i < updated.length; i++) {
        if (updated[i] == 0) { // findings are never deleted: the stored state is not the one reconciled
          throw new IllegalStateException("finding " + w.updates.get(i).id() + " changed since it was read");
        }
      }
      laps.lap("updated");
      insert("finding", List.of("id", "rule_id", "pack", "title", "severity", "controls", "message", "remediation",
          "subject_type", "subject_key", "subject_name", "subject_url", "evidence", "status", "stale", "first_seen",
          "last_seen", "resolved_at", "severity_rank", "source", "seen_live"),
          w.inserts, f -> row(f, true, result.live().contains(f.id())));
      laps.lap("inserted");
      batch("DELETE FROM finding_control WHERE finding_id = ? AND control_id = ?", w.controlsGone, r -> r);
      batch("DELETE FROM finding_owner WHERE finding_id = ? AND owner = ?", w.ownersGone, r -> r);
      insert("finding_control", List.of("finding_id", "control_id"), w.controlsNew, r -> r);
      insert("finding_owner", List.of("finding_id", "owner"), w.ownersNew, r -> r);
      laps.lap("controls and owners");
      // grouped by finding (stable: each finding's events keep their order), for the same reason
      List<FindingEvent> events = new ArrayList<>(result.events());
      events.sort(java.util.Comparator.comparing(FindingEvent::findingId));
      appendEvents(chains, events);
      laps.lap("events");
      log.debug("stored: {} findings inserted, {} updated, {} last seen set, {} unseen; controls +{} -{}; owners +{} -{};"
          + " {} events", w.inserts.size(), w.updates.size(), w.seen.size(), w.unseen.size(), w.controlsNew.size(),
          w.controlsGone.size(), w.ownersNew.size(), w.ownersGone.size(), events.size());
    });
    laps.lap("commit");
    log.debug("stored in {}", laps);
  }

  /**
   * Wall time of each step of {@link #apply}, and the storing thread's CPU in it, for its debug log:
   * where a store's time goes (issue #14 asked why 100,000 findings took 10 s on PostgreSQL), without
   * a profiler. WHY the CPU too: on a loaded machine the wall time of H2's commit swung 4x between
   * runs of the same writes, and only the thread's CPU says whether a step did more work.
   */
  private static final class Laps {
    private static final java.lang.management.ThreadMXBean THREADS =
        java.lang.management.ManagementFactory.getThreadMXBean();
    private final StringBuilder done = new StringBuilder();
    private long from = System.nanoTime();
    private long fromCpu = THREADS.getCurrentThreadCpuTime();

    void lap(String step) {
      long now = System.nanoTime();
      long cpu = THREADS.getCurrentThreadCpuTime();
      done.append(done.isEmpty() ? "" : ", ").append(step).append(' ').append((now - from) / 1_000_000)
          .append(" ms (cpu ").append((cpu - fromCpu) / 1_000_000).append(')');
      from = now;
      fromCpu = cpu;
    }

    @Override
    public String toString() {
      return done.toString();
    }
  }

  /** What the findings held when a result built without it was reconciled: as stored now. */
  private Reconciler.Stored stored(List<Finding> changed) {
    Reconcilable read = reconcilableOnly(changed.stream().map(Finding::id).toList());
    return new Reconciler.Stored(read.findings(), read.live());
  }

  /** The rows one {@link #apply} writes: each changed finding against its stored state. */
  private static final class Writes {
    final List<Finding> inserts = new ArrayList<>();
    final List<Finding> updates = new ArrayList<>();
    // in id order, as the changed findings are: the reconciliation lists them in the order it met the
    // violations, at random against the id, so each UPDATE found its row, its primary-key entry and
    // its index entries on pages of their own (issue #14: 100,000 findings seen again on H2)
    final Map<String, java.time.Instant> seen = new TreeMap<>();
    final Map<String, java.time.Instant> unseen = new TreeMap<>();
    final List<Object[]> controlsNew = new ArrayList<>();
    final List<Object[]> controlsGone = new ArrayList<>();
    final List<Object[]> ownersNew = new ArrayList<>();
    final List<Object[]> ownersGone = new ArrayList<>();

    /**
     * @param was the stored finding, null when there is none
     * @param wasLive whether its stored last seen followed the runs
     * @param live whether {@code f} was violated in this evaluation (its last seen follows the runs while open)
     */
    void add(Finding f, Finding was, boolean wasLive, boolean live) {
      boolean followsRuns = live && f.isOpen();
      if (was == null) {
        inserts.add(f);
      } else if (!sameRow(was, f)) {
        updates.add(f);
      } else if (followsRuns != wasLive || (!followsRuns && !f.lastSeen().equals(was.lastSeen()))) {
        (followsRuns ? seen : unseen).put(f.id(), f.lastSeen());
      }
      diff(f.id(), was == null ? Set.of() : controls(was), controls(f), controlsNew, controlsGone);
      diff(f.id(), was == null ? Set.of() : owners(was), owners(f), ownersNew, ownersGone);
    }

    private static void diff(String id, Set<String> was, Set<String> now, List<Object[]> added, List<Object[]> gone) {
      if (was.equals(now)) {
        return;
      }
      now.stream().filter(v -> !was.contains(v)).sorted().forEach(v -> added.add(new Object[] {id, v}));
      was.stream().filter(v -> !now.contains(v)).sorted().forEach(v -> gone.add(new Object[] {id, v}));
    }

    private static Set<String> controls(Finding f) {
      return new java.util.TreeSet<>(f.controls());
    }

    /** Owners as {@code finding_owner} keeps them: distinct and not blank. */
    private static Set<String> owners(Finding f) {
      Set<String> out = new java.util.TreeSet<>();
      f.owners().stream().filter(o -> o != null && !o.isBlank()).forEach(out::add);
      return out;
    }

    /**
     * Whether the stored row of {@code was} holds {@code now} but for its last seen, which follows
     * the runs or is set apart ({@link #markSeen}), and its owners, which are not in the row.
     */
    private static boolean sameRow(Finding was, Finding now) {
      return was.ruleId().equals(now.ruleId()) && was.pack().equals(now.pack()) && was.title().equals(now.title())
          && was.severity() == now.severity() && was.controls().equals(now.controls())
          && was.message().equals(now.message()) && java.util.Objects.equals(was.remediation(), now.remediation())
          && was.subject().equals(now.subject()) && was.evidence().equals(now.evidence())
          && was.status() == now.status() && was.stale() == now.stale() && was.firstSeen().equals(now.firstSeen())
          && java.util.Objects.equals(was.resolvedAt(), now.resolvedAt());
    }
  }

  /**
   * Inserts one row per item: on PostgreSQL with COPY ({@link PostgresCopy}), elsewhere as JDBC
   * batches ({@link #batch}).
   */
  private <T> void insert(String table, List<String> columns, List<T> items, java.util.function.Function<T, Object[]> row) {
    if (postgres()) {
      PostgresCopy.copy(template, table, columns, items, row);
      return;
    }
    batch("INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
        + String.join(",", java.util.Collections.nCopies(columns.size(), "?")) + ")", items, row);
  }

  /**
   * Runs {@code sql} as JDBC batches of {@value #BATCH} rows, one row per item; returns the update
   * count of each. WHY in batches: the parameters (a finding's row holds its evidence as JSON) exist
   * for one batch at a time, not for every changed finding at once (issue #14: peak heap).
   */
  private <T> int[] batch(String sql, List<T> items, java.util.function.Function<T, Object[]> row) {
    int[] counts = new int[items.size()];
    for (int i = 0; i < items.size(); i += BATCH) {
      List<Object[]> rows = new ArrayList<>(Math.min(BATCH, items.size() - i));
      for (T item : items.subList(i, Math.min(items.size(), i + BATCH))) {
        rows.add(row.apply(item));
      }
      int[] done = template.batchUpdate(sql, rows);
      System.arraycopy(done, 0, counts, i, done.length);
    }
    return counts;
  }

  /**
   * Inserts finding events, hash-chained in the caller's transaction (tamper evidence: docs/evidence.md),
   * in the order given.
   */
  static void appendEvents(HashChains chains, List<FindingEvent> events) {
    // a view, not a copy: each event's row exists while HashChains turns it into its batch row
    chains.append(Chain.FINDING_EVENT, new java.util.AbstractList<Map<String, Object>>() {
      @Override
      public Map<String, Object> get(int i) {
        FindingEvent e = events.get(i);
        Map<String, Object> row = new HashMap<>();
        row.put("finding_id", e.findingId());
        row.put("at", e.at());
        row.put("type", e.type().name());
        row.put("actor", e.actor());
        row.put("detail", e.detail());
        return row;
      }

      @Override
      public int size() {
        return events.size();
      }
    });
  }

  /**
   * Sets {@code last_seen} (and {@code seen_live} to {@code live}) of these findings. On PostgreSQL one
   * {@code UPDATE ... WHERE id = ANY(?)} per {@value #ARRAY_CHUNK} ids with the same time; elsewhere a
   * batch of one UPDATE per id. WHY: a JDBC batch of UPDATEs is still one statement executed per row
   * on the server (a batch only saves round trips; {@code reWriteBatchedInserts} rewrites INSERTs
   * only), which cost most of the 9-13 s of 100,000 findings seen again on PostgreSQL (issue #14).
   */
  private void markSeen(Map<String, java.time.Instant> seenAt, boolean live) {
    String set = "UPDATE finding SET last_seen = ?, seen_live = " + (live ? "TRUE" : "FALSE");
    if (!postgres()) {
      batch(set + " WHERE id = ?", new ArrayList<>(seenAt.entrySet()), e -> new Object[] {utc(e.getValue()), e.getKey()});
      return;
    }
    Map<java.time.Instant, List<String>> byTime = new LinkedHashMap<>();
    seenAt.forEach((id, at) -> byTime.computeIfAbsent(at, k -> new ArrayList<>()).add(id));
    byTime.forEach((at, ids) -> {
      for (List<String> chunk : chunks(ids, ARRAY_CHUNK)) {
        template.update(con -> {
          java.sql.PreparedStatement ps = con.prepareStatement(set + " WHERE id = ANY(?)");
          ps.setObject(1, utc(at));
          ps.setArray(2, con.createArrayOf("varchar", chunk.toArray()));
          return ps;
        });
      }
    });
  }

  private static List<List<String>> chunks(List<String> ids, int size) {
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < ids.size(); i += size) {
      out.add(ids.subList(i, Math.min(ids.size(), i + size)));
    }
    return out;
  }

  private static Object[] row(Finding f, boolean insert, boolean live) {
    Object[] values = {f.ruleId(), f.pack(), f.title(), f.severity().name(), String.join(",", f.controls()), f.message(), f.remediation(),
        f.subject().type(), f.subject().key(), f.subject().displayName(), f.subject().url(),
        FactJson.MAPPER.writeValueAsString(f.sortedEvidence()), f.status().name(), f.stale(), utc(f.firstSeen()),
        utc(f.lastSeen()), utc(f.resolvedAt()), f.severity().ordinal(), f.source(), live && f.isOpen()};
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
    return jdbc.sql("SELECT " + FINDING_COLUMNS + " FROM finding f WHERE f.id = ?").param(id).query(this::finding).optional()
        .map(f -> withOwners(f, owners(List.of(id))));
  }

  /** Owners of each of these findings (absent: none recorded). */
  private Map<String, List<String>> owners(Collection<String> ids) {
    Map<String, List<String>> out = new HashMap<>();
    List<String> all = List.copyOf(ids);
    if (postgres()) {
      // one array per ARRAY_CHUNK ids: a reconciliation reads the owners of every open finding, and
      // without statistics (a fresh table, autovacuum not yet run) each statement may scan the table
      for (List<String> chunk : chunks(all, ARRAY_CHUNK)) {
        template.query(con -> {
          java.sql.PreparedStatement ps = con.prepareStatement(
              "SELECT finding_id, owner FROM finding_owner WHERE finding_id = ANY(?) ORDER BY finding_id, owner");
          ps.setArray(1, con.createArrayOf("varchar", chunk.toArray()));
          return ps;
        }, (rs, n) -> Map.entry(rs.getString(1), rs.getString(2)))
            .forEach(e -> out.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
      }
      return out;
    }
    for (int i = 0; i < all.size(); i += CHUNK) {
      jdbc.sql("SELECT finding_id, owner FROM finding_owner WHERE finding_id IN (:ids) ORDER BY finding_id, owner")
          .param("ids", all.subList(i, Math.min(all.size(), i + CHUNK)))
          .query((rs, n) -> Map.entry(rs.getString(1), rs.getString(2))).list()
          .forEach(e -> out.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
    }
    return out;
  }

  private static Finding withOwners(Finding f, Map<String, List<String>> owners) {
    List<String> o = owners.getOrDefault(f.id(), List.of());
    return new Finding(f.id(), f.ruleId(), f.pack(), f.title(), f.severity(), f.controls(), f.message(), f.remediation(),
        f.subject(), f.evidence(), f.status(), f.stale(), f.firstSeen(), f.lastSeen(), f.resolvedAt(), o);
  }

  /**
   * One page of the findings the filter selects, in {@code sort} order, after {@code after} (null:
   * from the start). Reads no evidence: see {@link FindingSummary}.
   */
  public SummaryPage page(FindingFilter filter, FindingSort sort, FindingSort.Cursor after, int limit) {
    return page(filter, sort, after, limit, true);
  }

  /**
   * As {@link #page(FindingFilter, FindingSort, FindingSort.Cursor, int)}; without {@code withTotal}
   * the matching findings are not counted ({@code total} is -1), so that a page costs the index
   * range it reads rather than a count over every match (the web UI's findings table).
   */
  public SummaryPage page(FindingFilter filter, FindingSort sort, FindingSort.Cursor after, int limit,
      boolean withTotal) {
    Map<String, Object> countParams = new LinkedHashMap<>();
    String countWhere = filter.where(countParams);
    List<String> version = new ArrayList<>(2);
    Map<String, ReviewRepository.WorkflowRow> workflows = new HashMap<>();
    List<FindingSummary> rows = new ArrayList<>(keysetRead(after, limit + 1, (range, n) -> {
      Map<String, Object> params = new LinkedHashMap<>();
      return jdbc.sql(pageQuery(filter, sort, after, range, n, params)).params(params).query((rs, i) -> {
        if (i == 0) {
          version.add(FindingCounts.version(rs.getObject("version_run"), rs.getObject("version_event")));
        }
        if (rs.getString("finding_id") != null) {
          ReviewRepository.WorkflowRow w = ReviewRepository.row(rs, i);
          workflows.put(w.findingId(), w);
        }
        return summary(rs, i);
      }).list();
    }));
    FindingSort.Cursor next = null;
    if (rows.size() > limit) {
      workflows.remove(rows.get(limit).id());
      rows = new ArrayList<>(rows.subList(0, limit));
      next = cursorAfter(rows.get(rows.size() - 1), sort);
    }
    // the version came with the page, so it was read before the count, as FindingCounts requires
    long total = !withTotal ? -1 : version.isEmpty() ? counts.count(countWhere, countParams)
        : counts.count(countWhere, countParams, version.get(0));
    return new SummaryPage(rows, total, next, workflows);
  }

  /** Which rows after a cursor one statement of a page reads ({@link #keysetRead}). */
  enum Range {
    /** From the start, or every row after the cursor (a row comparison, {@link FindingSort#after()}). */
    ALL,
    /** The rows of the cursor's own sort value after its id ({@link FindingSort#afterAsRanges()}[0]). */
    SAME_VALUE,
    /** The rows past the cursor's sort value ({@link FindingSort#afterAsRanges()}[1]). */
    PAST_VALUE
  }

  /**
   * Up to {@code rows} rows after {@code after} (null: from the start), each statement run by
   * {@code read} with its {@link Range} and row limit. On PostgreSQL, and for a first page, one
   * statement. On H2 after a cursor, the rows of the cursor's sort value after its id, and only
   * when those are fewer than {@code rows}, the rows past that value: each an exact index range
   * read in order ({@link FindingSort#afterAsRanges()}), the second starting where the first ends.
   * WHY two statements rather than one {@code UNION ALL} of both ranges: the union read both ranges
   * to the full page size and sorted them, so a page inside a band (nearly every page) read twice its
   * rows, half of them thrown away; and with 32 clients on random pages those rows' storage pages
   * were much of what missed H2's cache (issue #14). A page at a band's edge is two statements.
   */
  private <T> List<T> keysetRead(FindingSort.Cursor after, int rows,
      java.util.function.BiFunction<Range, Integer, List<T>> read) {
    if (after == null || !rangesAfterCursor()) {
      return read.apply(Range.ALL, rows);
    }
    List<T> out = new ArrayList<>(read.apply(Range.SAME_VALUE, rows));
    if (out.size() < rows) {
      out.addAll(read.apply(Range.PAST_VALUE, rows - out.size()));
    }
    return out;
  }

  /**
   * The statement of {@link #page} for one {@link Range}: up to {@code rows} findings the filter
   * selects in {@code sort} order after {@code after}, with their owners, workflow and the change
   * version (the filter's and the cursor's values go into {@code params}). Package-private for the
   * query plan tests.
   */
  static String pageQuery(FindingFilter filter, FindingSort sort, FindingSort.Cursor after, Range range, int rows,
      Map<String, Object> params) {
    String page = keysetPage(SUMMARY_COLUMNS, filter, sort, after, range, rows, params);
    return PAGE_WITH_OWNERS_AND_WORKFLOW.formatted(page, sort.pageOrderBy());
  }

  /**
   * Up to {@code rows} findings ({@code columns} of {@code f}) the filter selects in {@code sort}
   * order ({@link FindingSort#orderBy(FindingFilter)}) after {@code after}, within {@code range}.
   */
  private static String keysetPage(String columns, FindingFilter filter, FindingSort sort, FindingSort.Cursor after,
      Range range, int rows, Map<String, Object> params) {
    String where = filter.where(params);
    String tail = sort.orderBy(filter) + " FETCH FIRST " + rows + " ROWS ONLY";
    if (after == null) {
      return "SELECT " + columns + " FROM finding f" + where + tail;
    }
    params.put("cursor_value", after.boundValue());
    params.put("cursor_id", after.id());
    String condition = switch (range) {
      case ALL -> sort.after();
      case SAME_VALUE -> sort.afterAsRanges()[0];
      case PAST_VALUE -> {
        Object next = after.nextBoundValue();
        if (next != null) {
          params.put("cursor_next", next);
        }
        yield sort.afterAsRanges()[1];
      }
    };
    return "SELECT " + columns + " FROM finding f" + (where.isEmpty() ? " WHERE " : where + " AND ") + condition + tail;
  }

  private boolean postgres() {
    return !rangesAfterCursor();
  }

  /** Whether the data source is H2, whose pages after a cursor are read as two ranges ({@link #keysetRead}). */
  private boolean rangesAfterCursor() {
    Boolean known = h2;
    if (known == null) {
      known = "H2".equals(template.execute((org.springframework.jdbc.core.ConnectionCallback<String>) c -> c.getMetaData()
          .getDatabaseProductName()));
      h2 = known;
    }
    return known;
  }

  /**
   * A page query ({@code %1$s}, already limited) with each row's owners, its workflow row and the
   * change version of {@link FindingCounts}, all in one statement, and the page's order again
   * ({@code %2$s}). WHY one statement: the owners and the workflow rows were two more queries per
   * page; with a bearer token checked and the version read, a page was five statements, and on
   * PostgreSQL under 32 clients each one's round trip and pool checkout added up (issue #14). The
   * owners are a correlated subquery, not a join, so that each is an index probe whatever the
   * planner's statistics say: the {@code IN} list they used to be read with became a sequential
   * scan of {@code finding_owner} on a PostgreSQL that had not analysed the table yet. The outer
   * query runs over the page only, never over the rows a sort had to read. WHY {@code ARRAY(SELECT
   * ... ORDER BY)} and not {@code ARRAY_AGG(... ORDER BY)}: the aggregate sorts its input itself,
   * and PostgreSQL set up a sort for each of the page's rows; the subquery's order is the order of
   * the key {@code (finding_id, owner)} it reads, so nothing is sorted (a fifth less of the
   * server's CPU per page, issue #14).
   */
  private static final String PAGE_WITH_OWNERS_AND_WORKFLOW = "SELECT p.*,"
      + " ARRAY(SELECT o.owner FROM finding_owner o WHERE o.finding_id = p.id ORDER BY o.owner) AS owners,"
      + " w.finding_id, w.acknowledged_by, w.acknowledged_at, w.assignee, w.assignee_source, w.due_at,"
      + " w.waiver_id, " + FindingCounts.VERSION_COLUMNS
      + " FROM (%1$s) p LEFT JOIN finding_workflow w ON w.finding_id = p.id%2$s";

  /** How many findings the filter selects. */
  public long count(FindingFilter filter) {
    Map<String, Object> params = new LinkedHashMap<>();
    return counts.count(filter.where(params), params);
  }

  /**
   * A value that changes whenever the findings or their workflow change (an evaluation, a
   * reviewer's action), read with two primary-key look-ups: for caches of figures derived from the
   * findings, as {@link #count(FindingFilter)} uses it.
   */
  public String changeVersion() {
    return counts.version();
  }

  /** How many counts were read from the database rather than the cache: for tests. */
  long countsRead() {
    return counts.counted();
  }

  /**
   * Every finding the filter selects, with evidence and owners, in {@code sort} order, read in
   * keyset chunks of {@code chunk} rows so that an export of any size holds one chunk in memory.
   */
  public void forEach(FindingFilter filter, FindingSort sort, int chunk, java.util.function.Consumer<Finding> action) {
    FindingSort.Cursor after = null;
    while (true) {
      FindingSort.Cursor from = after;
      List<Finding> rows = keysetRead(from, chunk, (range, n) -> {
        Map<String, Object> params = new LinkedHashMap<>();
        return jdbc.sql(keysetPage(FINDING_COLUMNS, filter, sort, from, range, n, params)).params(params)
            .query(this::finding).list();
      });
      Map<String, List<String>> owners = owners(rows.stream().map(Finding::id).toList());
      rows.forEach(f -> action.accept(withOwners(f, owners)));
      if (rows.size() < chunk) {
        return;
      }
      Finding last = rows.get(rows.size() - 1);
      Object value = switch (sort.key()) {
        case SEVERITY -> last.severity().ordinal();
        case FIRST_SEEN -> last.firstSeen();
        case LAST_SEEN -> last.lastSeen();
        case RULE -> last.ruleId();
      };
      after = new FindingSort.Cursor(sort, value, last.id());
    }
  }

  private static FindingSort.Cursor cursorAfter(FindingSummary last, FindingSort sort) {
    Object value = switch (sort.key()) {
      case SEVERITY -> last.severity().ordinal();
      case FIRST_SEEN -> last.firstSeen();
      case LAST_SEEN -> last.lastSeen();
      case RULE -> last.ruleId();
    };
    return new FindingSort.Cursor(sort, value, last.id());
  }

  public List<FindingEvent> history(String id) {
    return jdbc.sql("SELECT finding_id, at, type, actor, detail FROM finding_event WHERE finding_id = ? ORDER BY id")
        .param(id)
        .query((rs, n) -> new FindingEvent(rs.getString(1), instant(rs, 2), FindingEvent.Type.valueOf(rs.getString(3)),
            rs.getString(4), rs.getString(5)))
        .list();
  }

  /**
   * Findings by the simple filters of {@link Query}, most severe first, with evidence: what
   * {@code scan} prints. The API pages with {@link #page} instead.
   */
  public Page list(Query q) {
    FindingFilter filter = FindingFilter.of(q);
    List<Finding> all = new ArrayList<>();
    forEach(filter, FindingSort.DEFAULT, CHUNK, all::add);
    // The order people read in scan's table: open first, most severe first, then by rule and subject.
    all.sort(java.util.Comparator.comparing((Finding f) -> f.isOpen() ? 0 : 1)
        .thenComparing(Finding::severity, java.util.Comparator.reverseOrder())
        .thenComparing(Finding::ruleId).thenComparing(f -> f.subject().key()));
    int from = Math.min(all.size(), Math.max(0, q.offset()));
    int to = Math.min(all.size(), from + Math.max(0, q.limit()));
    return new Page(List.copyOf(all.subList(from, to)), all.size());
  }

  /** Open findings no waiver covers, per (pack, rule, severity, stale), for metrics. */
  public List<Map<String, Object>> openByRule() {
    return jdbc.sql("SELECT f.pack, f.rule_id, f.severity, f.stale, COUNT(*) AS n FROM finding f WHERE f.status = 'OPEN'"
        + " AND NOT " + WAIVED + " GROUP BY f.pack, f.rule_id, f.severity, f.stale").query().listOfRows();
  }

  /**
   * Open findings per severity (every severity present).
   *
   * @param open all of them, waived ones included
   * @param waived those a waiver in force covers
   */
  public record OpenBySeverity(Map<Severity, Long> open, Map<Severity, Long> waived) {

    public OpenBySeverity {
      open = Map.copyOf(open);
      waived = Map.copyOf(waived);
    }

    /** The open findings no waiver covers: what the findings API's {@code status=open} lists. */
    public Map<Severity, Long> notWaived() {
      Map<Severity, Long> out = new java.util.EnumMap<>(open);
      waived.forEach((s, n) -> out.merge(s, -n, Long::sum));
      return out;
    }
  }

  /**
   * Open findings per severity now, for the evaluation's log line and the overview's chart: the
   * open ones as kept by {@link #openCounts()} (counted only when not known), the waived ones (few)
   * counted over the waiver index. WHY not counted here at every call: that read every open row, and
   * was most of the 1% cycle's "record" phase at 1,000,000 facts on H2 (issue #14).
   */
  public OpenBySeverity openBySeverity() {
    return new OpenBySeverity(open.open(), open.waived());
  }

  /** The open findings per severity that the evaluation keeps up to date ({@link OpenFindingCounts}). */
  public OpenFindingCounts openCounts() {
    return open;
  }

  /** How many times the open findings were counted from the table rather than kept: for tests. */
  long openCounted() {
    return open.counted();
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

  private FindingSummary summary(ResultSet rs, int n) throws SQLException {
    return new FindingSummary(rs.getString("id"), rs.getString("rule_id"), rs.getString("pack"), rs.getString("title"),
        Severity.valueOf(rs.getString("severity")), List.of(rs.getString("controls").split(",")), rs.getString("message"),
        new Subject(rs.getString("subject_type"), rs.getString("subject_key"), rs.getString("subject_name"),
            rs.getString("subject_url")),
        rs.getString("source"), owners(rs.getArray("owners")), Status.valueOf(rs.getString("status").toUpperCase(Locale.ROOT)),
        rs.getBoolean("stale"), instant(rs, "first_seen"), instant(rs, "seen_at"), instant(rs, "resolved_at"));
  }

  /** The owners' array of a page's row (empty when there are none; null accepted as none). */
  private static List<String> owners(java.sql.Array array) throws SQLException {
    if (array == null) {
      return List.of();
    }
    try {
      return java.util.Arrays.stream((Object[]) array.getArray()).map(String::valueOf).toList();
    } finally {
      array.free();
    }
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
        instant(rs, "first_seen"), instant(rs, "seen_at"), instant(rs, "resolved_at"));
  }
}
