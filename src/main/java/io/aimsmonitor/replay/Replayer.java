package io.aimsmonitor.replay;

import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.FactJson;
import io.aimsmonitor.rules.Evaluator;
import io.aimsmonitor.rules.RulePack;
import io.aimsmonitor.rules.RulePackException;
import io.aimsmonitor.rules.RulePackLoader;
import io.aimsmonitor.store.EvaluationRecords;
import io.aimsmonitor.store.EvaluationRecords.EvaluationRecord;
import io.aimsmonitor.store.EvaluationRecords.PackRef;
import io.aimsmonitor.store.EvaluationRecords.SnapshotRef;
import io.aimsmonitor.store.EvaluationRecords.StoredPack;
import io.aimsmonitor.store.EvaluationRecords.Verdict;
import io.aimsmonitor.store.SnapshotRepository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Re-runs a recorded evaluation (#15) from what it read: the stored snapshots it names (checked
 * against their recorded hashes), the stored pack versions (compiled from the stored files, never
 * from {@code rules/}) with the recorded parameter values, its source-health facts, at its own
 * clock time. Reports whether the verdicts are identical, and otherwise what differs and why.
 */
public final class Replayer {

  /** Verdict lists in a result are cut to this many each (the counts are complete): a response has a size limit. */
  public static final int MAX_LISTED = 1000;

  /**
   * Why a replay may differ. {@code kind} is one of: {@code record_incomplete}, {@code engine_version},
   * {@code snapshot_missing}, {@code snapshot_changed}, {@code snapshot_unreadable}, {@code scope},
   * {@code pack_missing}, {@code pack_changed}, {@code pack_not_compiled}, {@code pack_quarantined},
   * {@code pack_failed}.
   *
   * @param subject the connector run or pack at fault, or null
   */
  public record Reason(String kind, String subject, String detail) {}

  /**
   * The outcome of one replay.
   *
   * @param identical the same verdicts, from the same evidence: no verdict added or removed and no
   *     reason other than notes
   * @param reasons what differs in the evidence or in how it was evaluated; any makes the replay not identical
   * @param notes what differs without changing the result (another engine version that gave the same
   *     verdicts; a pack that failed in the evaluation and again on replay)
   */
  public record Result(long evaluationId, Instant evaluatedAt, String recordedEngine, String replayEngine,
      boolean identical, int recordedVerdicts, int replayedVerdicts, int addedCount, int removedCount,
      List<Verdict> added, List<Verdict> removed, List<Reason> reasons, List<Reason> notes) {}

  private final EvaluationRecords records;
  private final SnapshotRepository snapshots;
  private final RulePackLoader loader;
  private final UnaryOperator<List<Fact>> scope;
  private final Supplier<Set<String>> quarantined;
  /** One replay at a time: each compiles packs and evaluates a whole snapshot set. */
  private final ReentrantLock running = new ReentrantLock();

  /**
   * @param loader compiles stored packs (with the service's control catalogue and default budget)
   * @param scope the AIMS scope in force now (its setting is not recorded; a change shows as {@code scope})
   * @param quarantined pack versions never to be started again (their evaluation could not be stopped)
   */
  public Replayer(EvaluationRecords records, SnapshotRepository snapshots, RulePackLoader loader,
      UnaryOperator<List<Fact>> scope, Supplier<Set<String>> quarantined) {
    this.records = records;
    this.snapshots = snapshots;
    this.loader = loader;
    this.scope = scope;
    this.quarantined = quarantined;
  }

  /**
   * @throws NoSuchElementException when there is no record of that evaluation
   * @throws IllegalStateException when another replay is running
   */
  public Result replay(long evaluationId) {
    if (!running.tryLock()) {
      throw new IllegalStateException("another replay is running; try again when it has finished");
    }
    try {
      EvaluationRecord record = records.find(evaluationId).orElseThrow(() -> new NoSuchElementException(
          "no record of evaluation " + evaluationId + " (never recorded, or deleted by retention:"
              + " aims.retention.evaluations)"));
      return replay(record);
    } finally {
      running.unlock();
    }
  }

  private Result replay(EvaluationRecord record) {
    List<Reason> reasons = new ArrayList<>();
    List<Reason> notes = new ArrayList<>();
    if (record.verdictsProblem() != null) {
      reasons.add(new Reason("record_incomplete", null, record.verdictsProblem()));
    }
    if (record.packs().size() != record.recordedPacks()) {
      reasons.add(new Reason("record_incomplete", null, "the evaluation ran " + record.recordedPacks()
          + " pack(s) but its record names " + record.packs().size()));
    }
    String engine = EvaluationRecords.engineVersion();
    Reason engineChange = engine.equals(record.engine()) ? null
        : new Reason("engine_version", null, "evaluated by " + record.engine() + ", replayed by " + engine);

    List<Fact> facts = new ArrayList<>(scope.apply(snapshotFacts(record, reasons)));
    // only with the same snapshots can a different count be the scope's doing
    if (reasons.stream().noneMatch(r -> r.kind().startsWith("snapshot_")) && facts.size() != record.scopedFacts()) {
      reasons.add(new Reason("scope", null, "the AIMS scope (aims.scope) keeps " + facts.size()
          + " of the snapshots' facts now; the evaluation kept " + record.scopedFacts()));
    }
    facts.addAll(record.health());

    Set<Verdict> replayed = new TreeSet<>();
    Evaluator evaluator = new Evaluator();
    Path work = null;
    try {
      work = Files.createTempDirectory("aims-replay-");
      for (PackRef ref : record.packs()) {
        RulePack pack = compile(work, ref, reasons);
        if (pack == null) {
          continue;
        }
        if (quarantined.get().contains(pack.contentHash())) {
          // failed in the evaluation as well (quarantined then, or ran away then): nothing differs
          (ref.error() != null ? notes : reasons).add(new Reason("pack_quarantined", ref.pack(), "this pack version is"
              + " quarantined (an evaluation of it could not be stopped within its budget), so it is not run again"));
          continue;
        }
        Evaluator.PackResult result = evaluator.evaluate(pack, facts, record.evaluatedAt());
        if (result.succeeded()) {
          result.violations().forEach(v -> replayed.add(new Verdict(ref.pack(), v.ruleId(), v.subject().key())));
        }
        if (ref.error() != null && !result.succeeded()) {
          notes.add(new Reason("pack_failed", ref.pack(), "failed in the evaluation (" + ref.error()
              + ") and again on replay (" + result.error() + ")"));
        } else if (ref.error() != null) {
          reasons.add(new Reason("pack_failed", ref.pack(), "failed in the evaluation (" + ref.error()
              + "), so it recorded no verdicts; on replay it ran"));
        } else if (!result.succeeded()) {
          reasons.add(new Reason("pack_failed", ref.pack(), "failed on replay: " + result.error()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the stored rule packs to a temporary folder: " + e.getMessage(), e);
    } finally {
      delete(work);
    }

    Set<Verdict> recorded = new TreeSet<>(record.verdicts());
    List<Verdict> added = replayed.stream().filter(v -> !recorded.contains(v)).toList();
    List<Verdict> removed = recorded.stream().filter(v -> !replayed.contains(v)).toList();
    boolean identical = added.isEmpty() && removed.isEmpty() && reasons.isEmpty();
    if (engineChange != null) {
      // the same verdicts under another engine are still the same verdicts; otherwise it may be why
      (identical ? notes : reasons).add(engineChange);
    }
    return new Result(record.evaluationId(), record.evaluatedAt(), record.engine(), engine, identical,
        recorded.size(), replayed.size(), added.size(), removed.size(),
        added.stream().limit(MAX_LISTED).toList(), removed.stream().limit(MAX_LISTED).toList(),
        List.copyOf(reasons), List.copyOf(notes));
  }

  /** The facts of every recorded snapshot still stored, each checked against the hash the evaluation recorded. */
  private List<Fact> snapshotFacts(EvaluationRecord record, List<Reason> reasons) {
    List<Fact> facts = new ArrayList<>();
    for (SnapshotRef ref : record.snapshots()) {
      String subject = "connector " + ref.connectorId() + " run " + ref.runId();
      Optional<String> text = snapshots.storedFacts(ref.runId());
      if (text.isEmpty()) {
        reasons.add(new Reason("snapshot_missing", subject, "the snapshot is no longer stored (deleted outside"
            + " retention, which keeps every snapshot a kept evaluation read); its facts are not replayed"));
        continue;
      }
      String hash = SnapshotRepository.sha256(text.get());
      if (!hash.equals(ref.sha256())) {
        reasons.add(new Reason("snapshot_changed", subject, "the stored facts changed since the evaluation read"
            + " them: SHA-256 now " + hash + ", recorded " + ref.sha256()));
      }
      try {
        facts.addAll(FactJson.readList(text.get()));
      } catch (RuntimeException e) {
        reasons.add(new Reason("snapshot_unreadable", subject, "the stored facts cannot be read: " + e.getMessage()));
      }
    }
    return facts;
  }

  /** The recorded pack version compiled from its stored files, with the recorded parameters; null when it cannot be. */
  private RulePack compile(Path work, PackRef ref, List<Reason> reasons) throws IOException {
    Optional<StoredPack> stored = records.pack(ref.contentHash());
    if (stored.isEmpty()) {
      reasons.add(new Reason("pack_missing", ref.pack(), "version " + ref.contentHash() + " is not stored"));
      return null;
    }
    Path dir = Files.createDirectories(work.resolve(safeName(ref.pack())));
    for (Map.Entry<String, String> file : stored.get().files().entrySet()) {
      Files.writeString(dir.resolve(safeName(file.getKey())), file.getValue());
    }
    RulePack pack;
    try {
      pack = loader.load(dir, ref.parameters());
    } catch (RulePackException e) {
      reasons.add(new Reason("pack_not_compiled", ref.pack(), "the stored version " + ref.contentHash()
          + " does not load now: " + String.join("; ", e.problems()).replace(work.toString(), "")));
      return null;
    }
    if (!pack.contentHash().equals(ref.contentHash())) {
      reasons.add(new Reason("pack_changed", ref.pack(), "the stored files hash to " + pack.contentHash()
          + ", not the recorded version " + ref.contentHash()));
    }
    return pack;
  }

  /** A file or folder name from the store, kept inside the work folder. */
  private static String safeName(String name) {
    String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
    if (safe.isEmpty() || safe.startsWith(".")) {
      throw new IllegalArgumentException("stored rule pack file name '" + name + "' is not a plain file name");
    }
    return safe;
  }

  private static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary folder left behind holds only copies of stored packs
    }
  }
}
