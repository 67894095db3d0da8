package io.aimsmonitor.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.fact.Subject;
import io.aimsmonitor.rules.Evaluator.PackResult;
import io.aimsmonitor.rules.RulePack;
import io.aimsmonitor.rules.Violation;
import io.aimsmonitor.store.EvaluationRecords.Change;
import io.aimsmonitor.store.EvaluationRecords.Evaluated;
import io.aimsmonitor.store.EvaluationRecords.Verdict;
import io.aimsmonitor.store.EvaluationRepository.EvaluationRun;
import io.aimsmonitor.testing.TestDatabases;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Issue #14, the record phase of a 1% cycle: a verdict set that changed is stored as the verdicts
 * added and removed (format 2, V120), hashed from the previous set's hash and the change, and read
 * back, whole and verified, as the set a full evaluation gives; a format 1 set (stored before V120)
 * still verifies; a damaged or missing part of a chain is reported; retention keeps what a kept
 * record's chain needs.
 */
class VerdictSetRecordTest {

  private static final Instant T = Instant.parse("2026-11-01T10:00:00Z");
  private static final RulePack PACK = new RulePack("core", "1", "", "a".repeat(64), null, Map.of(), Map.of(),
      List.of(), null, null, false, null);
  private static final RulePack OTHER = new RulePack("other", "1", "", "b".repeat(64), null, Map.of(), Map.of(),
      List.of(), null, null, false, null);

  @TempDir
  Path dir;

  private JdbcClient jdbc;
  private EvaluationRepository evaluations;
  private EvaluationRecords records;
  /** Held open so that H2 keeps the database open between statements (each takes a new connection). */
  private java.sql.Connection keepOpen;

  @BeforeEach
  void store() throws Exception {
    DataSource data = TestDatabases.h2File(dir);
    keepOpen = data.getConnection();
    jdbc = JdbcClient.create(data);
    evaluations = new EvaluationRepository(jdbc);
    records = evaluations.records();
  }

  @org.junit.jupiter.api.AfterEach
  void close() throws Exception {
    keepOpen.close();
  }

  private static Violation v(String rule, String subject) {
    return new Violation(rule, new Subject("Model", subject, subject, null), "m", Map.of());
  }

  private static List<PackResult> results(List<Violation> core, List<Violation> other) {
    return List.of(new PackResult(PACK, core, null), new PackResult(OTHER, other, null));
  }

  private long record(Instant at, List<PackResult> results, Change change) {
    long id = evaluations.record(new EvaluationRun(at, at, 2, 10, 0, 0, 0, 0, List.of()));
    records.record(id, new Evaluated(at, List.of(), Map.of(), results, List.of(), 10, change));
    return id;
  }

  private String named(long evaluationId) {
    return jdbc.sql("SELECT verdicts_sha256 FROM evaluation_record WHERE evaluation_id = ?").param(evaluationId)
        .query(String.class).single();
  }

  private String base(String sha256) {
    return jdbc.sql("SELECT base_sha256 FROM verdict_set WHERE sha256 = ?").param(sha256).query(String.class)
        .optional().orElse(null);
  }

  private long sets() {
    return jdbc.sql("SELECT COUNT(*) FROM verdict_set").query(Long.class).single();
  }

  /** The format 2 hash as docs/evidence.md defines it, computed independently with BigInteger. */
  private static String setHash(Collection<Verdict> verdicts) throws Exception {
    BigInteger sum = BigInteger.ZERO;
    for (Verdict v : new TreeSet<>(verdicts)) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String field : List.of(v.pack(), v.rule(), v.subject())) {
        byte[] bytes = field.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        sha.update(java.nio.ByteBuffer.allocate(4).putInt(bytes.length).array());
        sha.update(bytes);
      }
      sum = sum.add(new BigInteger(1, sha.digest()));
    }
    byte[] out = sum.mod(BigInteger.TWO.pow(256)).toByteArray();
    String hex = HexFormat.of().formatHex(out);
    return hex.length() > 64 ? hex.substring(hex.length() - 64) : "0".repeat(64 - hex.length()) + hex;
  }

  private static List<Verdict> verdicts(List<PackResult> results) {
    Set<Verdict> out = new TreeSet<>();
    results.forEach(r -> r.violations().forEach(v -> out.add(new Verdict(r.pack().name(), v.ruleId(), v.subject().key()))));
    return List.copyOf(out);
  }

  @Test
  void aWholeSetIsKeptOutOfItsRowOnH2() {
    // V172: as CHARACTER VARYING (what H2 2.x makes of TEXT) a whole set at 1,000,000 facts was one
    // row of tens of MB that H2 decoded whenever the row was read, even by the check that a set is
    // stored, which selects only the small columns. As a LOB the row holds a reference.
    List<String> types = jdbc.sql("SELECT data_type FROM information_schema.columns WHERE table_name = 'VERDICT_SET'"
            + " AND column_name IN ('VERDICTS', 'REMOVED_VERDICTS')")
        .query(String.class).list();
    assertThat(types).containsExactly("CHARACTER LARGE OBJECT", "CHARACTER LARGE OBJECT");
  }

  @Test
  void aChangedSetIsStoredAsItsChangeAndReadsBackWholeAndVerified() throws Exception {
    List<PackResult> first = results(List.of(v("r1", "m:1"), v("r1", "m:2"), v("r2", "m:1"), v("r1", "m:1")),
        List.of(v("o1", "m:1")));
    long e1 = record(T, first, null);
    assertThat(named(e1)).as("the sum of the verdicts' digests").isEqualTo(setHash(verdicts(first)));
    assertThat(base(named(e1))).as("the first set is stored whole").isNull();
    assertThat(records.find(e1).orElseThrow()).satisfies(r -> {
      assertThat(r.verdicts()).isEqualTo(verdicts(first)).hasSize(4);
      assertThat(r.verdictsProblem()).isNull();
    });

    // m:2 no longer violates r1, m:3 does; r2 on m:1 was retracted and reported again (no change);
    // one of the two r1 reports on m:1 went, the other stays: the verdict stays
    List<PackResult> second = results(List.of(v("r1", "m:1"), v("r2", "m:1"), v("r1", "m:3")),
        List.of(v("o1", "m:1")));
    long e2 = record(T.plusSeconds(60), second,
        new Change(first, List.of(v("r1", "m:2"), v("r1", "m:3"), v("r2", "m:1"), v("r2", "m:1"), v("r1", "m:1"))));
    assertThat(named(e2)).as("the same hash as the whole set's").isEqualTo(setHash(verdicts(second)));
    assertThat(base(named(e2))).as("stored as a change of the first").isEqualTo(named(e1));
    assertThat(jdbc.sql("SELECT verdicts || ' ' || removed_verdicts FROM verdict_set WHERE sha256 = ?")
        .param(named(e2)).query(String.class).single())
        .isEqualTo("[[\"core\",\"r1\",\"m:3\"]] [[\"core\",\"r1\",\"m:2\"]]");
    assertThat(records.find(e2).orElseThrow()).satisfies(r -> {
      assertThat(r.verdicts()).isEqualTo(verdicts(second));
      assertThat(r.verdictsProblem()).isNull();
    });

    // reported again as they were: the same set, no new row
    long sets = sets();
    List<PackResult> third = results(List.copyOf(second.get(0).violations()), List.of(v("o1", "m:1")));
    long e3 = record(T.plusSeconds(120), third, new Change(second, List.of(v("o1", "m:1"), v("o1", "m:1"))));
    assertThat(named(e3)).isEqualTo(named(e2));
    assertThat(sets()).isEqualTo(sets);

    // a change whose "previous" is not what was recorded last is not trusted: hashed whole
    List<PackResult> fourth = results(List.of(v("r1", "m:9")), List.of());
    long e4 = record(T.plusSeconds(180), fourth, new Change(first, List.of(v("r1", "m:9"))));
    assertThat(named(e4)).isEqualTo(setHash(verdicts(fourth)));
    assertThat(base(named(e4))).isNull();
    assertThat(records.find(e4).orElseThrow().verdicts()).isEqualTo(verdicts(fourth));
  }

  /**
   * Random cycles: verdicts appear and go (in both packs, some rule ids in both, some reported
   * twice, some retracted and reported again), some cycles not incremental. Every record reads back
   * as its results' verdicts, verified, and its name is the whole set's hash, across cut chains.
   */
  @Test
  void overRandomCyclesEveryRecordReadsBackAsItsResultsAndIsNamedByItsWholeSetsHash() throws Exception {
    java.util.Random random = new java.util.Random(14);
    List<List<Violation>> packs = List.of(new ArrayList<>(), new ArrayList<>());
    List<PackResult> previous = null;
    Map<Long, List<Verdict>> expected = new java.util.LinkedHashMap<>();
    for (int cycle = 0; cycle < 70; cycle++) {
      List<Violation> touched = new ArrayList<>();
      int changes = random.nextInt(5) == 0 ? 80 : random.nextInt(12);
      for (int c = 0; c < changes; c++) {
        List<Violation> pack = packs.get(random.nextInt(2));
        Violation v = v("r" + random.nextInt(4), "m:" + random.nextInt(60));
        int kind = random.nextInt(4);
        if (kind == 0 && pack.contains(v)) {
          touched.add(v); // retracted and reported again
          touched.add(v);
        } else if (kind <= 1 || !pack.contains(v)) {
          pack.add(v); // appeared (perhaps a second report of the same verdict)
          touched.add(v);
        } else {
          pack.remove(v);
          touched.add(v);
        }
      }
      List<PackResult> now = results(List.copyOf(packs.get(0)), List.copyOf(packs.get(1)));
      Change change = previous == null || random.nextInt(8) == 0 ? null : new Change(previous, touched);
      long id = record(T.plusSeconds(cycle), now, change);
      expected.put(id, verdicts(now));
      assertThat(named(id)).as("cycle %d", cycle).isEqualTo(setHash(verdicts(now)));
      previous = now;
    }
    assertThat(jdbc.sql("SELECT COUNT(*) FROM verdict_set WHERE base_sha256 IS NOT NULL").query(Long.class).single())
        .as("changes stored").isGreaterThan(30);
    expected.forEach((id, verdicts) -> assertThat(records.find(id).orElseThrow()).satisfies(r -> {
      assertThat(r.verdictsProblem()).isNull();
      assertThat(r.verdicts()).as("evaluation %d", id).isEqualTo(verdicts);
    }));
  }

  @Test
  void aDamagedOrMissingPartOfAChainIsReported() {
    List<PackResult> first = results(List.of(v("r1", "m:1"), v("r1", "m:2")), List.of());
    long e1 = record(T, first, null);
    List<PackResult> second = results(List.of(v("r1", "m:1")), List.of());
    long e2 = record(T.plusSeconds(60), second, new Change(first, List.of(v("r1", "m:2"))));
    assertThat(base(named(e2))).isEqualTo(named(e1));

    // the change edited: the rebuilt set no longer hashes to the recorded name
    jdbc.sql("UPDATE verdict_set SET removed_verdicts = '[]' WHERE sha256 = ?").param(named(e2)).update();
    assertThat(records.find(e2).orElseThrow().verdictsProblem()).contains("verdict set changed")
        .contains("recorded " + named(e2));
    assertThat(records.find(e1).orElseThrow().verdictsProblem()).isNull();

    // the whole set it is a change of deleted
    jdbc.sql("DELETE FROM verdict_set WHERE sha256 = ?").param(named(e1)).update();
    assertThat(records.find(e2).orElseThrow().verdictsProblem())
        .isEqualTo("its verdict set " + named(e2) + " is stored as changes of set " + named(e1)
            + ", which is not stored");
    assertThat(records.find(e1).orElseThrow().verdictsProblem())
        .isEqualTo("its verdict set " + named(e1) + " is not stored");

    // unreadable text
    jdbc.sql("UPDATE verdict_set SET verdicts = 'not json' WHERE sha256 = ?").param(named(e2)).update();
    jdbc.sql("UPDATE verdict_set SET base_sha256 = NULL WHERE sha256 = ?").param(named(e2)).update();
    assertThat(records.find(e2).orElseThrow().verdictsProblem()).contains("cannot be read");
  }

  /** Sets recorded before V120: whole, sorted JSON text, named by its SHA-256. */
  @Test
  void aFormat1SetStoredBeforeTheChangeFormatStillVerifies() {
    String text = "[[\"core\",\"r1\",\"m:1\"],[\"core\",\"r2\",\"m:2\"]]";
    String sha = SnapshotRepository.sha256(text);
    jdbc.sql("INSERT INTO verdict_set (sha256, verdicts, verdict_count, stored_at) VALUES (?,?,?,?)")
        .params(sha, text, 2, SnapshotRepository.utc(T)).update();
    long id = evaluations.record(new EvaluationRun(T, T, 1, 10, 2, 0, 0, 0, List.of()));
    jdbc.sql("INSERT INTO evaluation_record (evaluation_id, evaluated_at, engine, scoped_facts, health, verdicts_sha256)"
        + " VALUES (?,?,?,?,?,?)").params(id, SnapshotRepository.utc(T), "old", 10, "[]", sha).update();
    assertThat(jdbc.sql("SELECT hash_format FROM verdict_set").query(Integer.class).single()).isEqualTo(1);

    assertThat(records.find(id).orElseThrow()).satisfies(r -> {
      assertThat(r.verdicts()).containsExactly(new Verdict("core", "r1", "m:1"), new Verdict("core", "r2", "m:2"));
      assertThat(r.verdictsProblem()).isNull();
    });
    assertThat(records.list(10)).singleElement().satisfies(s -> assertThat(s.verdicts()).isEqualTo(2));

    jdbc.sql("UPDATE verdict_set SET verdicts = '[]'").update();
    assertThat(records.find(id).orElseThrow().verdictsProblem()).startsWith("its verdict set changed: SHA-256 now ");
  }

  @Test
  void aChainIsCutByAWholeSetWhenItsChangesOutgrowTheSetOrItGetsLong() throws Exception {
    List<Violation> few = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      few.add(v("r1", "m:" + i));
    }
    List<PackResult> first = results(few, List.of());
    record(T, first, null);
    List<Violation> many = new ArrayList<>(few);
    List<Violation> added = new ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      added.add(v("r2", "m:" + i));
    }
    many.addAll(added);
    List<PackResult> second = results(many, List.of());
    long e2 = record(T.plusSeconds(60), second, new Change(first, added));
    assertThat(base(named(e2))).as("1,500 changed of 1,510").isNotNull();
    List<Violation> back = new ArrayList<>(few);
    back.add(v("r3", "m:0"));
    List<Violation> touched = new ArrayList<>(added);
    touched.add(v("r3", "m:0"));
    List<PackResult> third = results(back, List.of());
    long e3 = record(T.plusSeconds(120), third, new Change(second, touched));
    assertThat(base(named(e3))).as("3,001 changed verdicts to read for a set of 11: stored whole").isNull();
    assertThat(named(e3)).isEqualTo(setHash(verdicts(third)));

    // one verdict changing at every evaluation: cut after MAX_CHAIN changes
    List<PackResult> previous = third;
    List<Long> ids = new ArrayList<>();
    for (int i = 1; i <= EvaluationRecords.MAX_CHAIN + 1; i++) {
      List<Violation> now = new ArrayList<>(back);
      now.add(v("r4", "m:" + i));
      List<PackResult> next = results(now, List.of());
      ids.add(record(T.plusSeconds(180 + i), next, new Change(previous, List.of(v("r4", "m:" + (i - 1)),
          v("r4", "m:" + i)))));
      previous = next;
    }
    assertThat(jdbc.sql("SELECT MAX(chain_depth) FROM verdict_set").query(Integer.class).single())
        .isEqualTo(EvaluationRecords.MAX_CHAIN);
    long last = ids.get(ids.size() - 1);
    assertThat(base(named(last))).isNull();
    long deepest = ids.get(ids.size() - 2);
    assertThat(records.find(deepest).orElseThrow()).satisfies(r -> {
      assertThat(r.verdictsProblem()).isNull();
      assertThat(r.verdicts()).hasSize(12).contains(new Verdict("core", "r4", "m:" + EvaluationRecords.MAX_CHAIN));
    });
  }

  @Test
  void retentionKeepsTheSetsAKeptRecordsChainNeeds() {
    List<PackResult> first = results(List.of(v("r1", "m:1"), v("r1", "m:2")), List.of());
    long e1 = record(T, first, null);
    List<PackResult> second = results(List.of(v("r1", "m:1")), List.of());
    long e2 = record(T.plus(Duration.ofDays(10)), second, new Change(first, List.of(v("r1", "m:2"))));
    String firstSet = named(e1);

    assertThat(records.prune(Duration.ofDays(5), T.plus(Duration.ofDays(12)))).isEqualTo(1);
    assertThat(records.find(e1)).isEmpty();
    assertThat(base(named(e2))).as("kept: the kept record's set is a change of it").isEqualTo(firstSet);
    assertThat(sets()).isEqualTo(2);
    assertThat(records.find(e2).orElseThrow().verdictsProblem()).isNull();

    List<PackResult> third = results(List.of(v("r9", "m:9")), List.of());
    long e3 = record(T.plus(Duration.ofDays(20)), third, null);
    assertThat(records.prune(Duration.ofDays(5), T.plus(Duration.ofDays(22)))).isEqualTo(1);
    assertThat(sets()).as("the chain went with the last record naming it").isEqualTo(1);
    assertThat(records.find(e3).orElseThrow().verdictsProblem()).isNull();
  }
}
