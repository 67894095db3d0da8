package io.aimsmonitor.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.fact.Subject;
import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.finding.Finding.Status;
import io.aimsmonitor.finding.FindingEvent;
import io.aimsmonitor.finding.FindingSummary;
import io.aimsmonitor.finding.Reconciler;
import io.aimsmonitor.rules.Severity;
import io.aimsmonitor.store.FindingFilter.Condition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Filters, sorts and cursor paging of the findings store, on a real database (H2 and PostgreSQL
 * subclasses): every filter against the same predicate in Java, every sort walked page by page,
 * and a walk that keeps going while findings are added, resolved and re-ranked.
 */
abstract class FindingQueryScenario {

  static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");

  private final List<Finding> all = new ArrayList<>();

  /** 60 findings over 3 sources, 3 packs, 5 severities, a few owners and controls, spread over 60 days. */
  void seed(FindingRepository repo) {
    List<Finding> batch = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      batch.add(finding(i, Severity.values()[i % 5], i % 4 == 3 ? Status.RESOLVED : Status.OPEN, i % 7 == 0));
    }
    store(repo, batch);
    all.addAll(batch);
  }

  static Finding finding(int i, Severity severity, Status status, boolean stale) {
    String source = List.of("mlflow-prod", "catalog", "inventory").get(i % 3);
    String key = source + ":model-" + i + "/1";
    String rule = "pack" + (i % 3) + ".rule-" + (i % 6);
    List<String> owners = i % 5 == 0 ? List.of() : i % 2 == 0 ? List.of("Alice@acme.example") : List.of("risk-team", "bob");
    List<String> controls = i % 2 == 0 ? List.of("A.6.2.4") : List.of("A.3.2", "A.7.4");
    String message = i == 13 ? "Model model-13 v1 has 100% stale_data." : "Model model-" + i + " v1 breaks rule " + rule + ".";
    Instant firstSeen = T0.plus(Duration.ofDays(i));
    return new Finding(Finding.idOf(rule, key), rule, "pack" + (i % 3), "Title of " + rule, severity, controls, message,
        "Fix it.", new Subject("ModelVersion", key, "model-" + i + " v1", "https://src.example/" + i),
        Map.of("source", source, "snapshot", 7L, "owners", owners), status, stale && status == Status.OPEN, firstSeen,
        firstSeen.plus(Duration.ofHours(1)), status == Status.RESOLVED ? firstSeen.plus(Duration.ofDays(1)) : null,
        owners);
  }

  static void store(FindingRepository repo, List<Finding> findings) {
    List<FindingEvent> events = findings.stream()
        .map(f -> new FindingEvent(f.id(), f.lastSeen(), FindingEvent.Type.OPENED, FindingEvent.SYSTEM, f.message()))
        .toList();
    repo.apply(new Reconciler.Result(findings, List.of(), T0, events, java.util.Map.of()));
  }

  void everyFilterSelectsWhatItSays(FindingRepository repo) {
    seed(repo);
    check(repo, FindingFilter.status(Status.OPEN), f -> f.status() == Status.OPEN);
    check(repo, FindingFilter.openOnStaleEvidence(), f -> f.status() == Status.OPEN && f.stale());
    check(repo, FindingFilter.stale(false), f -> !f.stale());
    check(repo, FindingFilter.severityAtLeast(Severity.HIGH), f -> f.severity().atLeast(Severity.HIGH));
    check(repo, FindingFilter.severityIn(List.of(Severity.LOW, Severity.CRITICAL)),
        f -> f.severity() == Severity.LOW || f.severity() == Severity.CRITICAL);
    check(repo, FindingFilter.controls(List.of("A.7.4")), f -> f.controls().contains("A.7.4"));
    check(repo, FindingFilter.rules(List.of("pack1.rule-1", "pack2.rule-2")),
        f -> f.ruleId().equals("pack1.rule-1") || f.ruleId().equals("pack2.rule-2"));
    check(repo, FindingFilter.packs(List.of("pack0")), f -> f.pack().equals("pack0"));
    check(repo, FindingFilter.sources(List.of("catalog")), f -> "catalog".equals(f.source()));
    check(repo, FindingFilter.owners(List.of("alice@ACME.example")), f -> f.owners().contains("Alice@acme.example"));
    check(repo, FindingFilter.owners(List.of("risk-team")), f -> f.owners().contains("risk-team"));
    check(repo, FindingFilter.text("MODEL-2"), f -> f.message().toLowerCase().contains("model-2"));
    // LIKE wildcards in the text are literal: "100%" matches one message, "_" only real underscores
    check(repo, FindingFilter.text("100%"), f -> f.message().contains("100%"));
    check(repo, FindingFilter.text("e_d"), f -> f.message().contains("e_d"));
    check(repo, FindingFilter.firstSeenFrom(T0.plus(Duration.ofDays(50))), f -> !f.firstSeen().isBefore(T0.plus(Duration.ofDays(50))));
    check(repo, FindingFilter.firstSeenBefore(T0.plus(Duration.ofDays(5))), f -> f.firstSeen().isBefore(T0.plus(Duration.ofDays(5))));
    // conditions combine with AND, and the same kind may appear twice
    FindingFilter twoSources = FindingFilter.all().and(FindingFilter.sources(List.of("catalog", "inventory")))
        .and(FindingFilter.sources(List.of("inventory"))).and(FindingFilter.severityAtLeast(Severity.MEDIUM));
    assertThat(ids(repo, twoSources, FindingSort.DEFAULT, 1000)).containsExactlyInAnyOrderElementsOf(all.stream()
        .filter(f -> "inventory".equals(f.source()) && f.severity().atLeast(Severity.MEDIUM)).map(Finding::id).toList());
    assertThat(repo.count(twoSources)).isEqualTo(all.stream()
        .filter(f -> "inventory".equals(f.source()) && f.severity().atLeast(Severity.MEDIUM)).count());
  }

  private void check(FindingRepository repo, Condition condition, Predicate<Finding> expected) {
    List<String> want = all.stream().filter(expected).map(Finding::id).toList();
    assertThat(want).as("the seed exercises " + condition.sql()).isNotEmpty();
    FindingFilter filter = FindingFilter.all().and(condition);
    assertThat(ids(repo, filter, FindingSort.DEFAULT, 1000)).as(condition.sql()).containsExactlyInAnyOrderElementsOf(want);
    assertThat(repo.page(filter, FindingSort.DEFAULT, null, 1000).total()).isEqualTo(want.size());
  }

  void everySortPagesThroughEachFindingOnceInOrder(FindingRepository repo) {
    seed(repo);
    for (FindingSort.Key key : FindingSort.Key.values()) {
      for (boolean desc : new boolean[] {false, true}) {
        FindingSort sort = new FindingSort(key, desc);
        List<FindingSummary> walked = walk(repo, FindingFilter.all(), sort, 7);
        Comparator<FindingSummary> order = switch (key) {
          case SEVERITY -> Comparator.comparing(FindingSummary::severity);
          case FIRST_SEEN -> Comparator.comparing(FindingSummary::firstSeen);
          case LAST_SEEN -> Comparator.comparing(FindingSummary::lastSeen);
          case RULE -> Comparator.comparing(FindingSummary::ruleId);
        };
        order = order.thenComparing(FindingSummary::id);
        List<FindingSummary> expected = new ArrayList<>(walked);
        expected.sort(desc ? order.reversed() : order);
        assertThat(walked).as(sort.label()).hasSize(all.size()).containsExactlyElementsOf(expected);
      }
    }
    // Exports read every finding with evidence in keyset chunks: the same order, each once.
    List<String> chunked = new ArrayList<>();
    repo.forEach(FindingFilter.all(), FindingSort.DEFAULT, 7, f -> {
      assertThat(f.evidence()).containsKey("snapshot");
      chunked.add(f.id());
    });
    assertThat(chunked).containsExactlyElementsOf(ids(repo, FindingFilter.all(), FindingSort.DEFAULT, 1000));
    // A summary carries owners and source, not evidence.
    FindingSummary one = repo.page(FindingFilter.all().and(FindingFilter.owners(List.of("bob"))), FindingSort.DEFAULT,
        null, 1).items().get(0);
    assertThat(one.owners()).containsExactly("bob", "risk-team");
    assertThat(one.source()).isNotBlank();
  }

  /**
   * Walk the open findings three at a time, most severe first, while between pages findings are
   * added (before and after the cursor), resolved and re-ranked. Every finding that was open at
   * the start and stayed open with its severity unchanged is seen exactly once. Only a re-ranked
   * finding may show up twice (its sort value moved past the cursor), as documented.
   */
  void pagingIsStableWhileFindingsChange(FindingRepository repo) {
    seed(repo);
    FindingFilter open = FindingFilter.all().and(FindingFilter.status(Status.OPEN));
    FindingSort sort = FindingSort.DEFAULT;
    Set<String> unchangedOpen = new LinkedHashSet<>(all.stream().filter(Finding::isOpen).map(Finding::id).toList());
    List<String> seen = new ArrayList<>();
    Set<String> reranked = new HashSet<>();
    FindingSort.Cursor cursor = null;
    int round = 0;
    do {
      FindingRepository.SummaryPage page = repo.page(open, sort, cursor, 3);
      page.items().forEach(s -> seen.add(s.id()));
      cursor = page.next();
      // between two requests, the world changes
      List<Finding> changes = new ArrayList<>();
      int n = 1000 + round;
      changes.add(finding(n, Severity.CRITICAL, Status.OPEN, false)); // sorts before the cursor
      changes.add(finding(n + 500, Severity.INFO, Status.OPEN, false)); // sorts after it
      Finding victim = all.get((round * 7) % all.size());
      if (victim.isOpen() && !seen.contains(victim.id())) {
        changes.add(withStatus(victim, Status.RESOLVED));
        unchangedOpen.remove(victim.id());
      }
      Finding moved = all.get((round * 11 + 5) % all.size());
      if (moved.isOpen() && unchangedOpen.contains(moved.id())) {
        changes.add(withSeverity(moved, moved.severity() == Severity.CRITICAL ? Severity.INFO : Severity.CRITICAL));
        unchangedOpen.remove(moved.id());
        reranked.add(moved.id());
      }
      store(repo, changes);
      round++;
    } while (cursor != null && round < 200);
    assertThat(cursor).as("the walk ends").isNull();
    List<String> notReranked = seen.stream().filter(id -> !reranked.contains(id)).toList();
    assertThat(new HashSet<>(notReranked)).as("no finding repeated").hasSameSizeAs(notReranked);
    assertThat(reranked).as("the walk re-ranked some findings").isNotEmpty();
    assertThat(seen).as("every finding open throughout, unchanged, is seen").containsAll(unchangedOpen);
  }

  /**
   * Totals are counted once per change of the findings, not once per page request: a page asked
   * again with nothing changed reads its total from the cache; an evaluation or a reviewer's event
   * makes the next request count again, and the new total is right.
   */
  void totalsAreCountedOncePerChange(io.aimsmonitor.testing.TestStore store) {
    FindingRepository repo = store.findings();
    seed(repo);
    FindingFilter open = FindingFilter.all().and(FindingFilter.status(Status.OPEN));
    long openCount = all.stream().filter(Finding::isOpen).count();
    long before = repo.countsRead();
    assertThat(repo.page(open, FindingSort.DEFAULT, null, 5).total()).isEqualTo(openCount);
    for (int i = 0; i < 10; i++) {
      assertThat(repo.page(open, FindingSort.DEFAULT, null, 5).total()).isEqualTo(openCount);
      assertThat(repo.count(open)).isEqualTo(openCount);
    }
    assertThat(repo.countsRead() - before).as("one count for ten unchanged requests").isEqualTo(1);

    // an evaluation opens a finding (its event) ...
    store(repo, List.of(finding(900, Severity.HIGH, Status.OPEN, false)));
    assertThat(repo.page(open, FindingSort.DEFAULT, null, 5).total()).isEqualTo(openCount + 1);
    // ... a change with no event of its own is seen once the evaluation records its run
    repo.apply(new Reconciler.Result(List.of(withStatus(finding(900, Severity.HIGH, Status.OPEN, false), Status.RESOLVED)),
        List.of(), T0, List.of(), Map.of()));
    store.evaluations().record(new EvaluationRepository.EvaluationRun(T0, T0, 0, 0, 0, 0, 1, 0, List.of()));
    assertThat(repo.page(open, FindingSort.DEFAULT, null, 5).total()).isEqualTo(openCount);
    assertThat(repo.countsRead() - before).isEqualTo(3);
  }

  /**
   * Pages that cross from one sort value to the next (a severity band, a first-seen time) return the
   * tail of one and the head of the next, in order, each finding exactly once, for every page size,
   * in both directions, with and without a filter. WHY: a page after a cursor is read as two ranges
   * on H2 ({@link FindingSort#afterAsRanges()}), the second bounded inclusively by the next value
   * (the next rank, the next microsecond); an off-by-one there skips or repeats a band's edge.
   * First-seen times here are whole microseconds apart and shared by several findings.
   */
  void pagesCrossSortValueBoundaries(FindingRepository repo) {
    List<Finding> batch = new ArrayList<>();
    int[] bandSizes = {5, 1, 9, 2, 4}; // INFO .. CRITICAL: uneven, so pages start and end at every offset
    int n = 0;
    for (int rank = 0; rank < bandSizes.length; rank++) {
      for (int j = 0; j < bandSizes[rank]; j++, n++) {
        Finding f = finding(n, Severity.values()[rank], n % 6 == 5 ? Status.RESOLVED : Status.OPEN, false);
        Instant firstSeen = T0.plusNanos(1_000L * (n / 3)); // three findings per microsecond, neighbours 1 µs apart
        batch.add(new Finding(f.id(), f.ruleId(), f.pack(), f.title(), f.severity(), f.controls(), f.message(),
            f.remediation(), f.subject(), f.evidence(), f.status(), f.stale(), firstSeen, f.lastSeen(), f.resolvedAt(),
            f.owners()));
      }
    }
    store(repo, batch);
    boolean crossed = false;
    for (FindingFilter filter : List.of(FindingFilter.all(), FindingFilter.all().and(FindingFilter.status(Status.OPEN)))) {
      for (FindingSort.Key key : List.of(FindingSort.Key.SEVERITY, FindingSort.Key.FIRST_SEEN)) {
        for (boolean desc : new boolean[] {false, true}) {
          FindingSort sort = new FindingSort(key, desc);
          Comparator<Finding> order = (key == FindingSort.Key.SEVERITY ? Comparator.comparing(Finding::severity)
              : Comparator.comparing(Finding::firstSeen)).thenComparing(Finding::id);
          List<String> expected = batch.stream().filter(f -> filter.conditions().isEmpty() || f.isOpen())
              .sorted(desc ? order.reversed() : order).map(Finding::id).toList();
          for (int limit = 1; limit <= expected.size() + 1; limit++) {
            List<FindingSummary> walked = walk(repo, filter, sort, limit);
            assertThat(walked.stream().map(FindingSummary::id).toList()).as(sort.label() + " by " + limit)
                .containsExactlyElementsOf(expected);
          }
          FindingRepository.SummaryPage page = repo.page(filter, sort, null, 4);
          page = repo.page(filter, sort, page.next(), 4);
          crossed |= key == FindingSort.Key.SEVERITY
              && page.items().stream().map(FindingSummary::severity).distinct().count() > 1;
        }
      }
    }
    assertThat(crossed).as("a page after a cursor spans two severities").isTrue();
  }

  private static Finding withStatus(Finding f, Status status) {
    return new Finding(f.id(), f.ruleId(), f.pack(), f.title(), f.severity(), f.controls(), f.message(), f.remediation(),
        f.subject(), f.evidence(), status, false, f.firstSeen(), f.lastSeen(), T0, f.owners());
  }

  private static Finding withSeverity(Finding f, Severity severity) {
    return new Finding(f.id(), f.ruleId(), f.pack(), f.title(), severity, f.controls(), f.message(), f.remediation(),
        f.subject(), f.evidence(), f.status(), f.stale(), f.firstSeen(), f.lastSeen(), f.resolvedAt(), f.owners());
  }

  static List<FindingSummary> walk(FindingRepository repo, FindingFilter filter, FindingSort sort, int limit) {
    List<FindingSummary> out = new ArrayList<>();
    FindingSort.Cursor cursor = null;
    do {
      FindingRepository.SummaryPage page = repo.page(filter, sort, cursor, limit);
      out.addAll(page.items());
      // the cursor survives being sent to a client and back
      cursor = page.next() == null ? null : FindingSort.Cursor.decode(page.next().encode(), sort);
    } while (cursor != null);
    return out;
  }

  static List<String> ids(FindingRepository repo, FindingFilter filter, FindingSort sort, int limit) {
    return walk(repo, filter, sort, limit).stream().map(FindingSummary::id).toList();
  }
}
