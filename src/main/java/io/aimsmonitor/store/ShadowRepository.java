package io.aimsmonitor.store;

import static io.aimsmonitor.store.SnapshotRepository.instant;
import static io.aimsmonitor.store.SnapshotRepository.utc;

import io.aimsmonitor.fact.FactJson;
import io.aimsmonitor.shadow.ShadowViolation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.core.type.TypeReference;

/** What shadow packs would have found: the latest result per pack, and a count per evaluation. */
public class ShadowRepository {

  private static final int CHUNK = 500;
  private static final TypeReference<List<ShadowViolation>> VIOLATIONS = new TypeReference<>() {};

  /**
   * One shadow pack's latest evaluation.
   *
   * @param violationCount how many violations it reported (may exceed the stored {@code violations})
   * @param error why it failed (threw, tripped a guard, quarantined), or null
   */
  public record ShadowResult(String pack, String contentHash, Instant evaluatedAt, int violationCount, String error,
      List<ShadowViolation> violations) {
    public ShadowResult {
      violations = List.copyOf(violations);
    }
  }

  /** One evaluation of a shadow pack, in brief. */
  public record ShadowRun(String contentHash, Instant evaluatedAt, int violationCount, boolean failed) {}

  /** A shadow pack's latest violation count, and whether that evaluation failed. */
  public record PackCount(String pack, int violationCount, boolean failed) {}

  private final JdbcClient jdbc;

  public ShadowRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Replaces the pack's latest result and adds a history row; history older than {@code keepSince} goes. */
  public void record(ShadowResult result, Instant keepSince) {
    String json = FactJson.MAPPER.writeValueAsString(result.violations());
    int updated = jdbc.sql("UPDATE shadow_result SET content_hash = ?, evaluated_at = ?, violation_count = ?, error = ?,"
            + " violations = ? WHERE pack = ?")
        .params(result.contentHash(), utc(result.evaluatedAt()), result.violationCount(), result.error(), json,
            result.pack())
        .update();
    if (updated == 0) {
      jdbc.sql("INSERT INTO shadow_result (pack, content_hash, evaluated_at, violation_count, error, violations)"
              + " VALUES (?,?,?,?,?,?)")
          .params(result.pack(), result.contentHash(), utc(result.evaluatedAt()), result.violationCount(),
              result.error(), json)
          .update();
    }
    jdbc.sql("INSERT INTO shadow_run (pack, content_hash, evaluated_at, violation_count, failed) VALUES (?,?,?,?,?)")
        .params(result.pack(), result.contentHash(), utc(result.evaluatedAt()), result.violationCount(),
            result.error() != null)
        .update();
    jdbc.sql("DELETE FROM shadow_run WHERE pack = ? AND evaluated_at < ?").params(result.pack(), utc(keepSince)).update();
  }

  /** Drops the results and history of packs that are no longer shadow packs (promoted or removed). */
  public void retainOnly(Collection<String> shadowPacks) {
    for (String pack : jdbc.sql("SELECT pack FROM shadow_result").query(String.class).list()) {
      if (!shadowPacks.contains(pack)) {
        jdbc.sql("DELETE FROM shadow_result WHERE pack = ?").param(pack).update();
        jdbc.sql("DELETE FROM shadow_run WHERE pack = ?").param(pack).update();
      }
    }
  }

  public Optional<ShadowResult> latest(String pack) {
    return jdbc.sql("SELECT * FROM shadow_result WHERE pack = ?").param(pack)
        .query((rs, n) -> new ShadowResult(rs.getString("pack"), rs.getString("content_hash"),
            instant(rs, "evaluated_at"), rs.getInt("violation_count"), rs.getString("error"),
            FactJson.MAPPER.readValue(rs.getString("violations"), VIOLATIONS)))
        .optional();
  }

  /** The pack's latest count per evaluation, newest first. */
  public List<ShadowRun> history(String pack, int limit) {
    return jdbc.sql("SELECT content_hash, evaluated_at, violation_count, failed FROM shadow_run WHERE pack = ?"
            + " ORDER BY evaluated_at DESC, id DESC FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY")
        .param(pack)
        .query((rs, n) -> new ShadowRun(rs.getString(1), instant(rs, 2), rs.getInt(3), rs.getBoolean(4)))
        .list();
  }

  /** Latest violation count and whether it failed, per pack with a result: what the shadow metrics show. */
  public List<PackCount> latestCounts(Collection<String> packs) {
    List<PackCount> out = new ArrayList<>();
    for (String pack : packs) {
      jdbc.sql("SELECT violation_count, error FROM shadow_result WHERE pack = ?").param(pack)
          .query((rs, n) -> new PackCount(pack, rs.getInt(1), rs.getString(2) != null))
          .optional().ifPresent(out::add);
    }
    return out;
  }

  /** Which of these finding ids are open findings now: what the live packs already find. */
  public Set<String> openFindingIds(Collection<String> ids) {
    Set<String> open = new HashSet<>();
    List<String> all = List.copyOf(new HashSet<>(ids));
    for (int i = 0; i < all.size(); i += CHUNK) {
      open.addAll(jdbc.sql("SELECT id FROM finding WHERE status = 'OPEN' AND id IN (:ids)")
          .param("ids", all.subList(i, Math.min(all.size(), i + CHUNK))).query(String.class).list());
    }
    return open;
  }
}
