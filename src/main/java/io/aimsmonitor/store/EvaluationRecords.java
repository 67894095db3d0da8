package io.aimsmonitor.store;

import static io.aimsmonitor.store.SnapshotRepository.instant;
import static io.aimsmonitor.store.SnapshotRepository.utc;

import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.FactJson;
import io.aimsmonitor.fact.FactSnapshot;
import io.aimsmonitor.fact.SourceHealth;
import io.aimsmonitor.rules.Evaluator.PackResult;
import io.aimsmonitor.rules.RulePack;
import io.aimsmonitor.rules.RulePackLoader;
import io.aimsmonitor.rules.Violation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.core.type.TypeReference;

/**
 * What each evaluation read and decided (#15), beside its {@code evaluation_run} row, so that it
 * can be replayed: the snapshots (connector run id and the SHA-256 of its stored facts, not a copy),
 * each pack's content hash and parameter values, the engine version, the source-health facts, and
 * the verdicts. Pack contents are stored once per content hash in {@code rule_pack_version}, and
 * verdict sets once per content in {@code verdict_set}: whole, or (format 2, V120) as the verdicts
 * added to and removed from the set before, so that an evaluation that changed a few verdicts
 * stores and hashes those, not every verdict again (see {@link VerdictSetHash}).
 */
public class EvaluationRecords {

  private static final Logger log = LoggerFactory.getLogger(EvaluationRecords.class);

  /** A snapshot an evaluation read. */
  public record SnapshotRef(String connectorId, long runId, String sha256) {}

  /**
   * A pack an evaluation ran.
   *
   * @param error why it failed (it then gave no verdicts), or null
   */
  public record PackRef(String pack, String contentHash, Map<String, Object> parameters, String error) {}

  /** One violation as recorded: enough to compare two evaluations. */
  public record Verdict(String pack, String rule, String subject) implements Comparable<Verdict> {
    @Override
    public int compareTo(Verdict o) {
      int c = pack.compareTo(o.pack);
      c = c != 0 ? c : rule.compareTo(o.rule);
      return c != 0 ? c : subject.compareTo(o.subject);
    }
  }

  /**
   * One recorded evaluation.
   *
   * @param evaluatedAt the evaluation's clock time ({@code now} of its rules)
   * @param scopedFacts snapshot facts the AIMS scope kept (source-health facts not counted)
   * @param recordedPacks the number of packs the evaluation ran, from its run row: fewer pack rows
   *     means the record was not completely written
   * @param verdictsProblem why the recorded verdicts cannot be trusted (their set is gone, or no
   *     longer hashes to what the record names), or null
   */
  public record EvaluationRecord(long evaluationId, Instant evaluatedAt, String engine, int scopedFacts,
      List<SourceHealth> health, List<SnapshotRef> snapshots, List<PackRef> packs, List<Verdict> verdicts,
      int recordedPacks, String verdictsProblem) {}

  /** A recorded evaluation in a listing (without its verdicts). */
  public record Summary(long evaluationId, Instant evaluatedAt, String engine, int snapshots, int packs, int verdicts) {}

  /** A pack version's stored files (text by file name). */
  public record StoredPack(String contentHash, String pack, String version, Map<String, String> files) {}

  /**
   * What {@code MonitorService.evaluate} hands over to be recorded.
   *
   * @param change how {@code results} came from the results of an earlier evaluation, or null
   */
  public record Evaluated(Instant at, Collection<FactSnapshot> snapshots, Map<Long, String> snapshotHashes,
      List<PackResult> results, Collection<SourceHealth> health, int scopedFacts, Change change) {

    public Evaluated(Instant at, Collection<FactSnapshot> snapshots, Map<Long, String> snapshotHashes,
        List<PackResult> results, Collection<SourceHealth> health, int scopedFacts) {
      this(at, snapshots, snapshotHashes, results, health, scopedFacts, null);
    }
  }

  /**
   * The results of an evaluation as a change of earlier ones (an incremental evaluation's
   * {@code Evaluator.LiveDelta}): the verdicts of a rule and subject no touched violation names are
   * the same in both.
   *
   * @param previous the earlier results object
   * @param touched every violation that appeared or went between the two, each at least once (a
   *     violation retracted and reported again may be listed too)
   */
  public record Change(List<PackResult> previous, Collection<Violation> touched) {}

  /**
   * A stored verdict set as its recorder knows it.
   *
   * @param results the results it was computed from: the same object again is the same set
   * @param format 1 (SHA-256 of the sorted JSON text) or 2 (a {@link VerdictSetHash})
   * @param depth changes between the set's row and the whole set its chain starts from
   * @param deltaEntries verdicts in those changes
   */
  private record StoredSet(List<PackResult> results, String sha256, int format, int size, int depth,
      int deltaEntries) {

    StoredSet of(List<PackResult> other) {
      return new StoredSet(other, sha256, format, size, depth, deltaEntries);
    }
  }

  /**
   * A chain of changes is cut (the next set stored whole) beyond this many rows: a replay reads
   * every row of its set's chain. Besides, it is cut when its changes hold more verdicts than the
   * set itself (see {@link #storeVerdicts}).
   */
  static final int MAX_CHAIN = 100;

  private static final TypeReference<List<List<String>>> VERDICTS = new TypeReference<>() {};
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};
  private static final TypeReference<Map<String, String>> FILES = new TypeReference<>() {};

  private final JdbcClient jdbc;
  /** Pack versions known to be stored: checked once per process, not at every evaluation. */
  private final Set<String> storedPacks = ConcurrentHashMap.newKeySet();
  /**
   * The verdict set this process recorded last. An evaluation in which nothing changed passes the
   * same results object again: its verdicts are not hashed again; one that changed some hashes and
   * stores the change from it.
   */
  private volatile StoredSet lastSet;

  public EvaluationRecords(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** The engine evaluating now: aims-monitor's version ("dev" when run from classes) and Drools'. */
  public static String engineVersion() {
    String own = EvaluationRecords.class.getPackage().getImplementationVersion();
    return "aims-monitor " + (own == null ? "dev" : own) + "; drools " + org.drools.base.util.Drools.getFullVersion();
  }

  /** Records evaluation {@code evaluationId}; stores the content of every pack version not stored yet. */
  public void record(long evaluationId, Evaluated e) {
    StoredSet previous = lastSet;
    StoredSet set = previous != null && e.results() == previous.results() ? previous : storeVerdicts(e, previous);
    jdbc.sql("INSERT INTO evaluation_record (evaluation_id, evaluated_at, engine, scoped_facts, health, verdicts_sha256)"
            + " VALUES (?,?,?,?,?,?)")
        .params(evaluationId, utc(e.at()), engineVersion(), e.scopedFacts(),
            FactJson.write(List.<Fact>copyOf(e.health())), set.sha256())
        .update();
    lastSet = set;
    for (FactSnapshot s : e.snapshots()) {
      String hash = e.snapshotHashes().get(s.runId());
      if (hash != null) { // absent: the run was deleted since it was read; replay reports it missing
        jdbc.sql("INSERT INTO evaluation_snapshot (evaluation_id, connector_id, run_id, sha256) VALUES (?,?,?,?)")
            .params(evaluationId, s.connectorId(), s.runId(), hash).update();
      }
    }
    for (PackResult r : e.results()) {
      storePack(r.pack(), e.at());
      jdbc.sql("INSERT INTO evaluation_pack (evaluation_id, pack, content_hash, parameters, error) VALUES (?,?,?,?,?)")
          .params(evaluationId, r.pack().name(), r.pack().contentHash(),
              FactJson.MAPPER.writeValueAsString(new TreeMap<>(r.pack().parameterValues())), r.error())
          .update();
    }
  }

  /**
   * Stores the evaluation's verdict set unless it is stored: as a change of the set recorded before
   * when the evaluation says how its results came from that set's ({@link Change}), else whole.
   * Only the verdicts of the rules and subjects the change touched are compared and hashed then.
   */
  private StoredSet storeVerdicts(Evaluated e, StoredSet previous) {
    Change change = e.change();
    if (change == null || previous == null || previous.format() != 2 || change.previous() != previous.results()) {
      Set<Verdict> all = verdicts(e.results(), null);
      VerdictSetHash hash = VerdictSetHash.empty();
      all.forEach(hash::add);
      String name = hash.hex();
      if (previous != null && name.equals(previous.sha256())) {
        return previous.of(e.results());
      }
      return storeWhole(e, name, all);
    }
    Map<String, Set<String>> touchedRules = new HashMap<>();
    for (Violation v : change.touched()) {
      touchedRules.computeIfAbsent(v.subject().key(), k -> new HashSet<>(2)).add(v.ruleId());
    }
    Set<Verdict> before = verdicts(change.previous(), touchedRules);
    Set<Verdict> after = verdicts(e.results(), touchedRules);
    List<Verdict> added = after.stream().filter(v -> !before.contains(v)).toList();
    List<Verdict> removed = before.stream().filter(v -> !after.contains(v)).toList();
    if (added.isEmpty() && removed.isEmpty()) {
      return previous.of(e.results()); // reported again as they were
    }
    VerdictSetHash hash = VerdictSetHash.of(previous.sha256());
    added.forEach(hash::add);
    removed.forEach(hash::remove);
    String name = hash.hex();
    int size = previous.size() + added.size() - removed.size();
    int depth = previous.depth() + 1;
    int entries = previous.deltaEntries() + added.size() + removed.size();
    // Cut the chain when reading it would cost more than reading the set whole: a replay then reads
    // at most about twice the set, and the whole sets stored cost at most as much as the changes.
    if (depth > MAX_CHAIN || entries > Math.max(size, 1000)) {
      return storeWhole(e, name, verdicts(e.results(), null));
    }
    StoredSet set = new StoredSet(e.results(), name, 2, size, depth, entries);
    log.info("verdict set: {} added, {} removed of {} ({} rule/subject pairs touched): stored as change {} of set {}",
        added.size(), removed.size(), size, touchedRules.values().stream().mapToInt(Set::size).sum(), depth,
        previous.sha256().substring(0, 12));
    return stored(name, e.results()).orElseGet(() -> {
      insert(name, 2, json(added), json(removed), previous.sha256(), size, depth, entries, e.at());
      return set;
    });
  }

  private StoredSet storeWhole(Evaluated e, String name, Set<Verdict> all) {
    return stored(name, e.results()).orElseGet(() -> {
      insert(name, 2, json(all), null, null, all.size(), 0, 0, e.at());
      return new StoredSet(e.results(), name, 2, all.size(), 0, 0);
    });
  }

  /** A set stored already (by an earlier evaluation or another replica), as its row describes it. */
  private Optional<StoredSet> stored(String sha256, List<PackResult> results) {
    return jdbc.sql("SELECT hash_format, verdict_count, chain_depth, delta_entries FROM verdict_set WHERE sha256 = ?")
        .param(sha256)
        .query((rs, n) -> new StoredSet(results, sha256, rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getInt(4)))
        .optional();
  }

  private void insert(String sha256, int format, String verdicts, String removed, String base, int count, int depth,
      int entries, Instant at) {
    try {
      jdbc.sql("INSERT INTO verdict_set (sha256, hash_format, verdicts, removed_verdicts, base_sha256, verdict_count,"
              + " chain_depth, delta_entries, stored_at) VALUES (?,?,?,?,?,?,?,?,?)")
          .params(sha256, format, verdicts, removed, base, count, depth, entries, utc(at))
          .update();
    } catch (org.springframework.dao.DuplicateKeyException e) {
      log.debug("verdict set {} was stored concurrently", sha256); // by content: that row is as good as this one
    }
  }

  /**
   * The verdicts of {@code results}; only those of the rules and subjects in {@code only} (rule ids
   * by subject key) unless it is null.
   */
  private static Set<Verdict> verdicts(List<PackResult> results, Map<String, Set<String>> only) {
    Set<Verdict> out = new HashSet<>();
    for (PackResult r : results) {
      String pack = r.pack().name();
      for (Violation v : r.violations()) {
        String subject = v.subject().key();
        if (only == null) {
          out.add(new Verdict(pack, v.ruleId(), subject));
        } else {
          Set<String> rules = only.get(subject);
          if (rules != null && rules.contains(v.ruleId())) {
            out.add(new Verdict(pack, v.ruleId(), subject));
          }
        }
      }
    }
    return out;
  }

  private static String json(Collection<Verdict> verdicts) {
    List<List<String>> rows = new ArrayList<>(verdicts.size());
    verdicts.forEach(v -> rows.add(List.of(v.pack(), v.rule(), v.subject())));
    return FactJson.MAPPER.writeValueAsString(rows);
  }

  /**
   * Stores a pack version's files under its content hash, once. The files are read from the pack's
   * folder and stored only if they still hash to the loaded version: a folder edited since loading
   * is stored when the edited version is loaded and evaluated.
   */
  void storePack(RulePack pack, Instant at) {
    if (storedPacks.contains(pack.contentHash())) {
      return;
    }
    boolean known = jdbc.sql("SELECT COUNT(*) FROM rule_pack_version WHERE content_hash = ?").param(pack.contentHash())
        .query(Long.class).single() > 0;
    if (!known) {
      Map<String, byte[]> files;
      try {
        files = pack.directory() == null ? Map.of() : RulePackLoader.files(pack.directory());
      } catch (IOException e) {
        log.warn("rule pack '{}' version {}: its files cannot be read to be stored for replay: {}", pack.name(),
            pack.shortHash(), e.getMessage());
        return;
      }
      if (files.isEmpty() || !RulePackLoader.contentHash(files).equals(pack.contentHash())) {
        log.warn("rule pack '{}' version {}: its folder changed since it was loaded; this version is not stored for"
            + " replay", pack.name(), pack.shortHash());
        return;
      }
      Map<String, String> text = new TreeMap<>();
      files.forEach((name, bytes) -> text.put(name, new String(bytes, StandardCharsets.UTF_8)));
      insertOnce("SELECT COUNT(*) FROM rule_pack_version WHERE content_hash = ?", pack.contentHash(),
          "INSERT INTO rule_pack_version (content_hash, pack, version, files, stored_at) VALUES (?,?,?,?,?)",
          pack.contentHash(), pack.name(), pack.version(), FactJson.MAPPER.writeValueAsString(text), utc(at));
    }
    storedPacks.add(pack.contentHash());
  }

  /**
   * Inserts a row stored by content unless its key is there: another replica may store the same
   * content at the same moment, and then its row is as good as this one.
   */
  private void insertOnce(String exists, String key, String insert, Object... values) {
    if (jdbc.sql(exists).param(key).query(Long.class).single() > 0) {
      return;
    }
    try {
      jdbc.sql(insert).params(values).update();
    } catch (org.springframework.dao.DuplicateKeyException e) {
      log.debug("{} was stored concurrently", key);
    }
  }

  /**
   * A pack version that decided evaluations of a period: which, how often, first and last, and its
   * stored files (empty when the version is no longer stored).
   */
  public record UsedPack(String pack, String contentHash, int evaluations, Instant first, Instant last,
      Optional<StoredPack> stored) {}

  /** Every pack version recorded by an evaluation in [from, to), by pack name and first use. */
  public List<UsedPack> packsUsed(Instant from, Instant to) {
    return jdbc.sql("SELECT p.pack, p.content_hash, COUNT(*), MIN(r.evaluated_at), MAX(r.evaluated_at)"
            + " FROM evaluation_pack p JOIN evaluation_record r ON r.evaluation_id = p.evaluation_id"
            + " WHERE r.evaluated_at >= ? AND r.evaluated_at < ? GROUP BY p.pack, p.content_hash"
            + " ORDER BY p.pack, MIN(r.evaluated_at)")
        .params(utc(from), utc(to))
        .query((rs, n) -> new UsedPack(rs.getString(1), rs.getString(2), rs.getInt(3), instant(rs, 4), instant(rs, 5),
            Optional.empty()))
        .list().stream()
        .map(u -> new UsedPack(u.pack(), u.contentHash(), u.evaluations(), u.first(), u.last(), pack(u.contentHash())))
        .toList();
  }

  /** A stored pack version. */
  public Optional<StoredPack> pack(String contentHash) {
    return jdbc.sql("SELECT content_hash, pack, version, files FROM rule_pack_version WHERE content_hash = ?")
        .param(contentHash)
        .query((rs, n) -> new StoredPack(rs.getString(1), rs.getString(2), rs.getString(3),
            FactJson.MAPPER.readValue(rs.getString(4), FILES)))
        .optional();
  }

  public Optional<EvaluationRecord> find(long evaluationId) {
    return jdbc.sql("SELECT r.*, e.packs AS run_packs FROM evaluation_record r"
            + " JOIN evaluation_run e ON e.id = r.evaluation_id WHERE r.evaluation_id = ?")
        .param(evaluationId)
        .query((rs, n) -> new EvaluationRecord(evaluationId, instant(rs, "evaluated_at"), rs.getString("engine"),
            rs.getInt("scoped_facts"),
            FactJson.readList(rs.getString("health")).stream().map(SourceHealth.class::cast).toList(),
            List.of(), List.of(), List.of(), rs.getInt("run_packs"), rs.getString("verdicts_sha256")))
        .optional()
        .map(r -> {
          RecordedVerdicts verdicts = verdicts(r.verdictsProblem()); // the set's name, until it is read
          return new EvaluationRecord(r.evaluationId(), r.evaluatedAt(), r.engine(), r.scopedFacts(), r.health(),
              jdbc.sql("SELECT connector_id, run_id, sha256 FROM evaluation_snapshot WHERE evaluation_id = ?"
                      + " ORDER BY connector_id")
                  .param(evaluationId).query((rs, n) -> new SnapshotRef(rs.getString(1), rs.getLong(2), rs.getString(3)))
                  .list(),
              jdbc.sql("SELECT pack, content_hash, parameters, error FROM evaluation_pack WHERE evaluation_id = ?"
                      + " ORDER BY pack")
                  .param(evaluationId).query((rs, n) -> new PackRef(rs.getString(1), rs.getString(2),
                      FactJson.MAPPER.readValue(rs.getString(3), OBJECT), rs.getString(4)))
                  .list(),
              verdicts.verdicts(), r.recordedPacks(), verdicts.problem());
        });
  }

  /**
   * The verdicts of a stored set, sorted, and why they cannot be trusted (null when they can).
   *
   * @param problem the set is gone, a row of its chain is, or its verdicts no longer hash to its name
   */
  record RecordedVerdicts(List<Verdict> verdicts, String problem) {}

  private record SetRow(String sha256, int format, String base, String verdicts, String removed) {}

  /**
   * The verdict set named {@code sha256}, checked against its name: a format 1 set by the SHA-256 of
   * its text, a format 2 set by the {@link VerdictSetHash} of its verdicts, rebuilt from the whole
   * set its chain starts from and the changes after it.
   */
  RecordedVerdicts verdicts(String sha256) {
    List<SetRow> chain = new ArrayList<>(); // the named set first, the whole set last
    Set<String> seen = new HashSet<>();
    String at = sha256;
    while (at != null) {
      String name = at;
      Optional<SetRow> row = jdbc.sql("SELECT hash_format, base_sha256, verdicts, removed_verdicts FROM verdict_set"
              + " WHERE sha256 = ?")
          .param(name)
          .query((rs, n) -> new SetRow(name, rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4)))
          .optional();
      if (row.isEmpty()) {
        return new RecordedVerdicts(List.of(), name.equals(sha256) ? "its verdict set " + sha256 + " is not stored"
            : "its verdict set " + sha256 + " is stored as changes of set " + name + ", which is not stored");
      }
      if (!seen.add(name) || chain.size() > MAX_CHAIN * 10) {
        return new RecordedVerdicts(List.of(), "its verdict set " + sha256 + " is stored as changes that never"
            + " reach a whole set (at " + name + ")");
      }
      chain.add(row.get());
      at = row.get().base();
    }
    try {
      SetRow whole = chain.get(chain.size() - 1);
      if (chain.size() == 1 && whole.format() == 1) {
        String hash = SnapshotRepository.sha256(whole.verdicts());
        return new RecordedVerdicts(read(whole.verdicts()), hash.equals(sha256) ? null
            : "its verdict set changed: SHA-256 now " + hash + ", recorded " + sha256);
      }
      if (chain.stream().anyMatch(r -> r.format() != 2)) {
        return new RecordedVerdicts(List.of(), "its verdict set " + sha256 + " is stored as changes of a set of"
            + " another format");
      }
      Set<Verdict> set = new HashSet<>(read(whole.verdicts()));
      for (int i = chain.size() - 2; i >= 0; i--) {
        read(chain.get(i).removed()).forEach(set::remove);
        set.addAll(read(chain.get(i).verdicts()));
      }
      VerdictSetHash hash = VerdictSetHash.empty();
      set.forEach(hash::add);
      List<Verdict> sorted = set.stream().sorted().toList();
      return new RecordedVerdicts(sorted, hash.hex().equals(sha256) ? null
          : "its verdict set changed: its verdicts now hash to " + hash.hex() + " (sum of SHA-256 digests), recorded "
              + sha256);
    } catch (RuntimeException e) {
      return new RecordedVerdicts(List.of(), "its verdict set " + sha256 + " cannot be read: " + e.getMessage());
    }
  }

  private static List<Verdict> read(String json) {
    if (json == null) {
      return List.of();
    }
    return FactJson.MAPPER.readValue(json, VERDICTS).stream().map(v -> new Verdict(v.get(0), v.get(1), v.get(2)))
        .toList();
  }

  /** Recorded evaluations, newest first, at most {@code limit}. */
  public List<Summary> list(int limit) {
    List<Summary> out = new ArrayList<>();
    jdbc.sql("SELECT r.evaluation_id, r.evaluated_at, r.engine,"
            + " (SELECT v.verdict_count FROM verdict_set v WHERE v.sha256 = r.verdicts_sha256),"
            + " (SELECT COUNT(*) FROM evaluation_snapshot s WHERE s.evaluation_id = r.evaluation_id),"
            + " (SELECT COUNT(*) FROM evaluation_pack p WHERE p.evaluation_id = r.evaluation_id)"
            + " FROM evaluation_record r JOIN evaluation_run e ON e.id = r.evaluation_id"
            + " ORDER BY r.evaluation_id DESC FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY")
        .query((rs, n) -> new Summary(rs.getLong(1), instant(rs, 2), rs.getString(3), rs.getInt(5), rs.getInt(6),
            rs.getInt(4)))
        .list().forEach(out::add);
    return out;
  }

  /**
   * Retention: deletes evaluation records older than {@code keepFor} (their {@code evaluation_run}
   * rows stay), then pack versions no remaining record names (a version stored in the last day is
   * kept: the evaluation recording it may not have written its pack rows yet). Snapshots are
   * pruned by {@link SnapshotRepository#prune}, which keeps every one a remaining record names, so
   * call this first.
   *
   * @return records deleted
   */
  public int prune(Duration keepFor, Instant now) {
    int deleted = jdbc.sql("DELETE FROM evaluation_record WHERE evaluated_at < ?").param(utc(now.minus(keepFor)))
        .update();
    int packs = jdbc.sql("DELETE FROM rule_pack_version WHERE stored_at < ? AND content_hash NOT IN"
            + " (SELECT content_hash FROM evaluation_pack)")
        .param(utc(now.minus(Duration.ofDays(1)))).update();
    if (packs > 0) {
      storedPacks.clear();
    }
    pruneVerdictSets(now.minus(Duration.ofDays(1)));
    StoredSet last = lastSet;
    if (last != null && stored(last.sha256(), last.results()).isEmpty()) {
      lastSet = null; // its record went: the next set is stored whole, not as changes of a deleted one
    }
    return deleted;
  }

  /**
   * Deletes the verdict sets stored before {@code before} that no record needs: neither names
   * them nor names a set stored as changes of them (transitively).
   */
  private void pruneVerdictSets(Instant before) {
    Set<String> needed = new HashSet<>(jdbc.sql("SELECT DISTINCT verdicts_sha256 FROM evaluation_record")
        .query(String.class).list());
    Map<String, String> baseOf = new HashMap<>();
    jdbc.sql("SELECT sha256, base_sha256 FROM verdict_set WHERE base_sha256 IS NOT NULL")
        .query((rs, n) -> Map.entry(rs.getString(1), rs.getString(2))).list()
        .forEach(e -> baseOf.put(e.getKey(), e.getValue()));
    for (String named : List.copyOf(needed)) {
      String base = baseOf.get(named);
      while (base != null && needed.add(base)) {
        base = baseOf.get(base);
      }
    }
    List<String> unneeded = jdbc.sql("SELECT sha256 FROM verdict_set WHERE stored_at < ?").param(utc(before))
        .query(String.class).list().stream().filter(sha -> !needed.contains(sha)).toList();
    for (String sha : unneeded) {
      jdbc.sql("DELETE FROM verdict_set WHERE sha256 = ?").param(sha).update();
    }
  }
}
