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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
 * verdict sets once per content in {@code verdict_set}.
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

  /** What {@code MonitorService.evaluate} hands over to be recorded. */
  public record Evaluated(Instant at, Collection<FactSnapshot> snapshots, Map<Long, String> snapshotHashes,
      List<PackResult> results, Collection<SourceHealth> health, int scopedFacts) {}

  private static final TypeReference<List<List<String>>> VERDICTS = new TypeReference<>() {};
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};
  private static final TypeReference<Map<String, String>> FILES = new TypeReference<>() {};

  private final JdbcClient jdbc;
  /** Pack versions known to be stored: checked once per process, not at every evaluation. */
  private final Set<String> storedPacks = ConcurrentHashMap.newKeySet();
  /** The verdict set this process stored or found last: an unchanged evaluation skips the look-up. */
  private volatile String lastVerdicts;
  /**
   * The results {@link #lastVerdicts} was computed from. An evaluation in which nothing changed
   * passes the previous one's results object again: its verdicts are not sorted and hashed again.
   */
  private volatile List<PackResult> lastResults;

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
    String verdictHash = e.results() == lastResults ? lastVerdicts : null;
    if (verdictHash == null) {
      Set<Verdict> verdicts = new TreeSet<>();
      for (PackResult r : e.results()) {
        r.violations().forEach(v -> verdicts.add(new Verdict(r.pack().name(), v.ruleId(), v.subject().key())));
      }
      String verdictJson = FactJson.MAPPER.writeValueAsString(
          verdicts.stream().map(v -> List.of(v.pack(), v.rule(), v.subject())).toList());
      verdictHash = SnapshotRepository.sha256(verdictJson);
      if (!verdictHash.equals(lastVerdicts)) {
        insertOnce("SELECT COUNT(*) FROM verdict_set WHERE sha256 = ?", verdictHash,
            "INSERT INTO verdict_set (sha256, verdicts, verdict_count, stored_at) VALUES (?,?,?,?)",
            verdictHash, verdictJson, verdicts.size(), utc(e.at()));
      }
    }
    jdbc.sql("INSERT INTO evaluation_record (evaluation_id, evaluated_at, engine, scoped_facts, health, verdicts_sha256)"
            + " VALUES (?,?,?,?,?,?)")
        .params(evaluationId, utc(e.at()), engineVersion(), e.scopedFacts(),
            FactJson.write(List.<Fact>copyOf(e.health())), verdictHash)
        .update();
    lastVerdicts = verdictHash;
    lastResults = e.results();
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
    return jdbc.sql("SELECT r.*, e.packs AS run_packs, v.verdicts FROM evaluation_record r"
            + " JOIN evaluation_run e ON e.id = r.evaluation_id LEFT JOIN verdict_set v ON v.sha256 = r.verdicts_sha256"
            + " WHERE r.evaluation_id = ?")
        .param(evaluationId)
        .query((rs, n) -> {
          String text = rs.getString("verdicts");
          String named = rs.getString("verdicts_sha256");
          String problem = text == null ? "its verdict set " + named + " is not stored"
              : !SnapshotRepository.sha256(text).equals(named) ? "its verdict set changed: SHA-256 now "
                  + SnapshotRepository.sha256(text) + ", recorded " + named : null;
          return new EvaluationRecord(evaluationId, instant(rs, "evaluated_at"), rs.getString("engine"),
              rs.getInt("scoped_facts"),
              FactJson.readList(rs.getString("health")).stream().map(SourceHealth.class::cast).toList(),
              List.of(), List.of(),
              text == null ? List.of() : FactJson.MAPPER.readValue(text, VERDICTS).stream()
                  .map(v -> new Verdict(v.get(0), v.get(1), v.get(2))).toList(),
              rs.getInt("run_packs"), problem);
        })
        .optional()
        .map(r -> new EvaluationRecord(r.evaluationId(), r.evaluatedAt(), r.engine(), r.scopedFacts(), r.health(),
            jdbc.sql("SELECT connector_id, run_id, sha256 FROM evaluation_snapshot WHERE evaluation_id = ?"
                    + " ORDER BY connector_id")
                .param(evaluationId).query((rs, n) -> new SnapshotRef(rs.getString(1), rs.getLong(2), rs.getString(3)))
                .list(),
            jdbc.sql("SELECT pack, content_hash, parameters, error FROM evaluation_pack WHERE evaluation_id = ?"
                    + " ORDER BY pack")
                .param(evaluationId).query((rs, n) -> new PackRef(rs.getString(1), rs.getString(2),
                    FactJson.MAPPER.readValue(rs.getString(3), OBJECT), rs.getString(4)))
                .list(),
            r.verdicts(), r.recordedPacks(), r.verdictsProblem()));
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
    jdbc.sql("DELETE FROM verdict_set WHERE stored_at < ? AND sha256 NOT IN (SELECT verdicts_sha256 FROM"
        + " evaluation_record)").param(utc(now.minus(Duration.ofDays(1)))).update();
    lastVerdicts = null;
    lastResults = null;
    return deleted;
  }
}
