package io.aimsmonitor.store;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.aimsmonitor.fact.CarriedOver;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.FactJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.SerializationFeature;

/**
 * Fact snapshots stored per fact (table {@code snapshot_fact}, see V105): how a snapshot is
 * written as the difference to its connector's previous one, and read back, as facts or as the
 * snapshot text whose SHA-256 evaluation records and evidence packs cite.
 *
 * <p>A snapshot's facts are kept in one canonical order, by the SHA-256 of their stored body, so
 * that the order is a function of what is stored. Its text is the JSON array of its facts in that
 * order, each fact as stored with the run's observation time put back right after {@code kind}:
 * reproducible from the rows alone, and the file an evidence pack writes for the run.
 */
public final class SnapshotRows {

  /** Bodies are written with map keys sorted, so the same fact gives the same body in every JVM. */
  private static final ObjectWriter FULL = FactJson.MAPPER.rebuild()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build().writerFor(Fact.class);
  private static final ObjectWriter WITHOUT_OBSERVED_AT = FactJson.MAPPER.rebuild()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .addMixIn(Fact.class, OmitObservedAt.class).build().writerFor(Fact.class);
  private static final byte[] OBSERVED_AT = "\"observedAt\":".getBytes(StandardCharsets.UTF_8);
  /** Rows written per batch statement: bounded memory whatever the snapshot's size. */
  private static final int BATCH = 500;

  @JsonIgnoreProperties("observedAt")
  private interface OmitObservedAt {}

  private SnapshotRows() {}

  /**
   * What {@link #write} stored for run {@code runId}: the facts in the snapshot's order, the
   * SHA-256 of its text, the observation time its facts share (JSON text, null if none) and, per
   * fact in the same order, the SHA-256 of its stored body (see {@link #reuse}).
   */
  record Written(long runId, List<Fact> facts, String sha256, String observedAt, Current current, String[] hashes) {}

  /**
   * A connector's current rows as of its stored run {@code runId}: body hash to {copies, from_run}.
   * Kept in memory after a write so the next collection compares with it instead of reading every
   * current row back (on H2 that reads every body too); used only while {@code runId} is still the
   * connector's latest stored snapshot, so a write by another replica is never missed.
   */
  record Current(long runId, Map<String, long[]> rows) {}

  private static Map<String, long[]> currentRows(JdbcClient jdbc, String connectorId, long runId, Current known) {
    Long latest = jdbc.sql("SELECT MAX(id) FROM connector_run WHERE connector_id = ? AND facts_in_rows AND id < ?")
        .params(connectorId, runId).query(Long.class).optional().orElse(null);
    if (known != null && latest != null && known.runId() == latest) {
      return known.rows();
    }
    Map<String, long[]> rows = new HashMap<>();
    jdbc.sql("SELECT sha256, copies, from_run FROM snapshot_fact WHERE connector_id = ? AND until_run IS NULL")
        .param(connectorId).query(rs -> {
          rows.put(rs.getString(1), new long[] {rs.getInt(2), rs.getLong(3)});
        });
    return rows;
  }

  /**
   * Stores {@code facts} as run {@code runId}'s snapshot of {@code connectorId}: rows of facts that
   * changed or went since the connector's last stored snapshot are closed at this run, rows are
   * opened for new and changed facts, unchanged facts are not written. Call inside the transaction
   * that inserts the run. Each fact is serialised twice (once to compare, once in order to hash the
   * text and write what is new) instead of holding every body: the peak is the facts plus a batch.
   */
  static Written write(JdbcClient jdbc, JdbcTemplate batches, String connectorId, long runId, List<Fact> facts,
      Current known) {
    Instant shared = sharedObservedAt(facts);
    byte[] observedAt = shared == null ? null : (FactJson.MAPPER.writeValueAsString(shared) + ",")
        .getBytes(StandardCharsets.UTF_8);
    String[] sha = new String[facts.size()];
    Map<String, Integer> copies = new HashMap<>();
    for (int i = 0; i < sha.length; i++) {
      sha[i] = sha256(body(facts.get(i), shared));
      copies.merge(sha[i], 1, Integer::sum);
    }
    Integer[] order = new Integer[sha.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparing(i -> sha[i]));

    Map<String, long[]> current = currentRows(jdbc, connectorId, runId, known);
    List<Object[]> closing = new ArrayList<>();
    current.forEach((hash, row) -> {
      if (row[0] != copies.getOrDefault(hash, 0)) {
        closing.add(new Object[] {runId, connectorId, row[1], hash});
      }
    });
    // by primary key: a changed fact's row is found without scanning the connector's rows
    batch(batches, "UPDATE snapshot_fact SET until_run = ? WHERE connector_id = ? AND from_run = ? AND sha256 = ?",
        closing);
    Map<String, long[]> next = new HashMap<>(copies.size() * 2);

    MessageDigest text = digest();
    text.update((byte) '[');
    List<Fact> ordered = new ArrayList<>(sha.length);
    String[] orderedSha = new String[sha.length];
    List<Object[]> opening = new ArrayList<>();
    String previous = null;
    for (int k = 0; k < order.length; k++) {
      Fact fact = facts.get(order[k]);
      String hash = sha[order[k]];
      byte[] body = body(fact, shared);
      if (k > 0) {
        text.update((byte) ',');
      }
      updateWithElement(text, body, runObserved(fact, shared) ? observedAt : null);
      ordered.add(fact);
      orderedSha[k] = hash;
      long[] kept = current.get(hash);
      boolean unchanged = kept != null && kept[0] == copies.get(hash);
      if (!hash.equals(previous)) {
        next.put(hash, unchanged ? kept : new long[] {copies.get(hash), runId});
      }
      if (!hash.equals(previous) && !unchanged) {
        opening.add(new Object[] {connectorId, hash, runId, copies.get(hash), runObserved(fact, shared),
            new String(body, StandardCharsets.UTF_8)});
        if (opening.size() == BATCH) {
          insert(batches, opening);
          opening.clear();
        }
      }
      previous = hash;
    }
    insert(batches, opening);
    text.update((byte) ']');
    return new Written(runId, ordered, HexFormat.of().formatHex(text.digest()),
        shared == null ? null : FactJson.MAPPER.writeValueAsString(shared), new Current(runId, next), orderedSha);
  }

  /**
   * {@code facts} with each fact that did not change since {@code previous} handed on from the
   * object there, so that evaluation finds it unchanged without comparing what it holds (see
   * {@code FactChanges}): a fact {@code equals} to the previous one is replaced by that object; a
   * fact equal to it apart from {@link Fact#observedAt()} (connectors stamp every fact with their
   * run's start, so every fact of a run is a new object) is replaced by a copy of the previous one
   * with the new observation time ({@link #restamped}). Both snapshots are in the canonical order,
   * with the SHA-256 of each fact's stored body alongside ({@code hashes}, {@code previousHashes}),
   * so one merge of the two finds the candidates; a body hash leaves out an observation time the
   * run's facts share, so a re-stamped fact has the hash it had. A candidate is taken only when
   * {@code equals} says so: what a snapshot says is exactly what was collected, observation time
   * included (connectors' watermarks read it). Returns {@code facts} itself when nothing is handed
   * on or a snapshot has no hashes (stored before V105).
   *
   * <p>Alongside, which facts were carried over from which positions of {@code previous}, as
   * stretches ({@link Reused#carried}): what evaluation takes them over by, in bulk, instead of
   * looking at each ({@code FactChanges}).
   */
  static Reused reuse(List<Fact> facts, String[] hashes, List<Fact> previous, String[] previousHashes) {
    if (hashes == null || previousHashes == null || previous.isEmpty() || facts.isEmpty()) {
      return new Reused(facts, null);
    }
    Fact[] out = facts.toArray(new Fact[0]);
    // Both lists are in the canonical order, so the facts carried over come in stretches at a
    // constant distance from where they were; a changed fact ends one (it left one place and, changed,
    // lands at another). Said so, evaluation copies them over in bulk (FactChanges).
    int[] stretches = new int[48];
    int count = 0;
    int reused = 0;
    for (int i = 0, j = 0; i < out.length && j < previousHashes.length; ) {
      int order = hashes[i].compareTo(previousHashes[j]);
      if (order < 0) {
        i++;
      } else if (order > 0) {
        j++;
      } else {
        Fact before = previous.get(j);
        Fact kept = before == out[i] || before.equals(out[i]) ? before : restamped(before, out[i]);
        if (kept != null) {
          out[i] = kept;
          reused++;
          if (count > 0 && stretches[count - 3] + stretches[count - 1] == i
              && stretches[count - 2] + stretches[count - 1] == j) {
            stretches[count - 1]++; // the stretch goes on
          } else {
            if (count == stretches.length) {
              stretches = Arrays.copyOf(stretches, count * 2);
            }
            stretches[count++] = i;
            stretches[count++] = j;
            stretches[count++] = 1;
          }
        }
        i++;
        j++;
      }
    }
    return reused == 0 ? new Reused(facts, null)
        : new Reused(Arrays.asList(out), new CarriedOver(previous, Arrays.copyOf(stretches, count)));
  }

  /**
   * What {@link #reuse} hands on.
   *
   * @param facts the snapshot's facts, those that did not change as (copies of) the previous objects
   * @param carried which of {@code facts} were carried over from the previous snapshot (the same
   *     object, or a re-stamped copy, {@link #restamped}), as stretches of positions; null when none was
   */
  record Reused(List<Fact> facts, CarriedOver carried) {}

  /**
   * {@code now} as a copy of {@code before} given {@code now}'s observation time, when that copy is
   * {@code equals} to {@code now} (decided by {@link Fact#equalsApartFromObservedAt} before the copy
   * is made, so a changed fact costs none); else null. The copy shares every other component with
   * {@code before} (the same strings, lists and maps), so comparing it with the object the sessions
   * hold, which shares them too, takes a reference comparison per component instead of reading
   * every string, and the re-collected strings are not kept. Same source only: a fact that moved to
   * another source is another fact to its readers.
   */
  static Fact restamped(Fact before, Fact now) {
    if (now.observedAt() == null || now.observedAt().equals(before.observedAt())
        || !before.equalsApartFromObservedAt(now)) { // the copy's equals, without a copy for a changed fact
      return null;
    }
    return before.withOrigin(before.source(), now.observedAt());
  }

  /**
   * The rows of run {@code runId}'s snapshot in the snapshot's order: each distinct body once,
   * with its copies.
   */
  static List<Row> rows(JdbcClient jdbc, String connectorId, long runId) {
    List<Row> rows = new ArrayList<>(jdbc.sql("SELECT sha256, copies, run_observed, body FROM snapshot_fact"
            + " WHERE connector_id = ? AND from_run <= ? AND (until_run IS NULL OR until_run > ?)")
        .params(connectorId, runId, runId)
        .query((rs, n) -> new Row(rs.getString(1), rs.getInt(2), rs.getBoolean(3), rs.getString(4))).list());
    rows.sort(Comparator.comparing(Row::sha256));
    return rows;
  }

  /**
   * A run's stored facts as the store holds them: the facts text of a run stored before V105, or
   * its rows; empty when the run is gone or stored no facts (a failed run).
   */
  static Optional<Stored> stored(JdbcClient jdbc, long runId) {
    return jdbc.sql("SELECT connector_id, facts, facts_in_rows, facts_observed_at FROM connector_run WHERE id = ?"
            + " AND (facts IS NOT NULL OR facts_in_rows)")
        .param(runId)
        .query((rs, n) -> new Stored(rs.getString(2), rs.getBoolean(3) ? List.of() : null, rs.getString(4),
            rs.getString(1)))
        .optional()
        .map(s -> s.rows() == null ? s : new Stored(null, rows(jdbc, s.connectorId(), runId), s.observedAt(),
            s.connectorId()));
  }

  /** Either the legacy text or the rows (with the run's shared observation time) of one stored snapshot. */
  record Stored(String legacyText, List<Row> rows, String observedAt, String connectorId) {
    List<Fact> facts() {
      return legacyText != null ? FactJson.readList(legacyText) : SnapshotRows.facts(rows, observedAt);
    }

    /** Per fact of {@link #facts()}, the SHA-256 of its stored body; null for a snapshot stored as text. */
    String[] hashes() {
      if (rows == null) {
        return null;
      }
      String[] out = new String[rows.stream().mapToInt(Row::copies).sum()];
      int k = 0;
      for (Row r : rows) {
        for (int c = 0; c < r.copies(); c++) {
          out[k++] = r.sha256();
        }
      }
      return out;
    }

    String text() {
      return legacyText != null ? legacyText : SnapshotRows.text(rows, observedAt);
    }
  }

  /**
   * The snapshot text of a stored run, whose SHA-256 is the run's {@code facts_sha256}: as stored
   * for runs stored before V105, rebuilt from the rows for later ones. Empty when the run or its
   * facts are gone. Evidence packs write this text.
   */
  public static Optional<String> text(JdbcClient jdbc, long runId) {
    return stored(jdbc, runId).map(Stored::text);
  }

  /** One stored fact body and how often the snapshot holds it. */
  record Row(String sha256, int copies, boolean runObserved, String body) {
    /** The fact's JSON as the snapshot text holds it: with the run's observation time put back. */
    String element(String observedAt) {
      if (!runObserved) {
        return body;
      }
      int afterKind = body.indexOf(',') + 1;
      return body.substring(0, afterKind) + "\"observedAt\":" + observedAt + "," + body.substring(afterKind);
    }
  }

  /**
   * The facts of a stored snapshot, parsed in parallel (each body is independent JSON), in the
   * snapshot's order.
   */
  static List<Fact> facts(List<Row> rows, String observedAt) {
    List<Fact> distinct = rows.parallelStream()
        .map(r -> FactJson.MAPPER.readValue(r.element(observedAt), Fact.class)).toList();
    List<Fact> out = new ArrayList<>(rows.stream().mapToInt(Row::copies).sum());
    for (int i = 0; i < rows.size(); i++) {
      for (int c = 0; c < rows.get(i).copies(); c++) {
        out.add(distinct.get(i));
      }
    }
    return out;
  }

  /** The snapshot text of a run stored in rows, rebuilt from them. */
  static String text(List<Row> rows, String observedAt) {
    StringBuilder out = new StringBuilder("[");
    for (Row r : rows) {
      String element = r.element(observedAt);
      for (int c = 0; c < r.copies(); c++) {
        out.append(out.length() > 1 ? "," : "").append(element);
      }
    }
    return out.append(']').toString();
  }

  /**
   * Deletes the rows of {@code connectorId} that no stored run's snapshot holds any more (after
   * retention deleted runs). Rows still current are never deleted: their run is the latest.
   */
  static int prune(JdbcClient jdbc, String connectorId) {
    return jdbc.sql("DELETE FROM snapshot_fact WHERE connector_id = ? AND until_run IS NOT NULL AND NOT EXISTS"
            + " (SELECT 1 FROM connector_run r WHERE r.connector_id = snapshot_fact.connector_id AND r.facts_in_rows"
            + " AND r.id >= snapshot_fact.from_run AND r.id < snapshot_fact.until_run)")
        .param(connectorId).update();
  }

  /**
   * The observation time most of the facts share (a run's facts normally carry the run's start);
   * stored once on the run instead of in every body. Null for a snapshot without facts.
   */
  private static Instant sharedObservedAt(List<Fact> facts) {
    Map<Instant, Integer> counts = new HashMap<>();
    for (Fact f : facts) {
      if (f.observedAt() != null) {
        counts.merge(f.observedAt(), 1, Integer::sum);
      }
    }
    return counts.entrySet().stream()
        .max(Map.Entry.<Instant, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder())))
        .map(Map.Entry::getKey).orElse(null);
  }

  private static boolean runObserved(Fact fact, Instant shared) {
    return shared != null && Objects.equals(fact.observedAt(), shared);
  }

  private static byte[] body(Fact fact, Instant shared) {
    return (runObserved(fact, shared) ? WITHOUT_OBSERVED_AT : FULL).writeValueAsBytes(fact);
  }

  /** Hashes a fact's element of the snapshot text exactly as {@link Row#element} rebuilds it. */
  private static void updateWithElement(MessageDigest text, byte[] body, byte[] observedAt) {
    if (observedAt == null) {
      text.update(body);
      return;
    }
    int afterKind = indexOf(body, (byte) ',') + 1;
    text.update(body, 0, afterKind);
    text.update(OBSERVED_AT);
    text.update(observedAt);
    text.update(body, afterKind, body.length - afterKind);
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static void insert(JdbcTemplate jdbc, List<Object[]> rows) {
    batch(jdbc, "INSERT INTO snapshot_fact (connector_id, sha256, from_run, copies, run_observed, body)"
        + " VALUES (?,?,?,?,?,?)", rows);
  }

  private static void batch(JdbcTemplate jdbc, String sql, List<Object[]> rows) {
    for (int from = 0; from < rows.size(); from += BATCH) {
      jdbc.batchUpdate(sql, rows.subList(from, Math.min(rows.size(), from + BATCH)));
    }
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(digest().digest(bytes));
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
