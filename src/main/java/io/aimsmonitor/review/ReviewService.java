package io.aimsmonitor.review;

import io.aimsmonitor.config.PausePoints;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.finding.ControlReport;
import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.finding.FindingEvent;
import io.aimsmonitor.finding.FindingEvent.Type;
import io.aimsmonitor.finding.FindingWorkflow;
import io.aimsmonitor.finding.ReconciliationSink;
import io.aimsmonitor.finding.ReconciliationSink.FactDelta;
import io.aimsmonitor.finding.Reconciler;
import io.aimsmonitor.finding.Waiver;
import io.aimsmonitor.store.FindingRepository;
import io.aimsmonitor.store.ReviewRepository;
import io.aimsmonitor.store.ReviewRepository.OpenFinding;
import io.aimsmonitor.store.ReviewRepository.WorkflowRow;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The human workflow beside the computed status: acknowledge, assign, comment, due dates and
 * waivers. Every action writes a {@link FindingEvent} with the person who acted.
 *
 * <p>Which waiver covers which open finding is decided in one place, {@link #sync}, at every
 * evaluation (as part of storing its reconciliation, whichever path ran it: schedule, run now,
 * {@code scan}) and right after each waiver action. So a waiver that expired or was revoked brings
 * its findings back at the latest at the first evaluation after, with an {@code UNWAIVED} event.
 */
public class ReviewService implements ReconciliationSink, ControlReport.Exclusions {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ReviewService.class);

  /** The actor of a request nobody authenticated. */
  public static final String ANONYMOUS = "anonymous";

  /** Text limit for comments and reasons: the history is for sentences, not attachments. */
  static final int MAX_TEXT = 10_000;

  private final FindingRepository findings;
  private final ReviewRepository repo;
  private final WaiverPolicy policy;
  private final WaiverFile file;
  private final Supplier<List<Fact>> latestFacts;
  private final Clock clock;

  /**
   * @param latestFacts the facts the latest evaluation would read, for the subject's owner when a
   *     reviewer resets an assignment to the default
   */
  public ReviewService(FindingRepository findings, ReviewRepository repo, WaiverPolicy policy, WaiverFile file,
      Supplier<List<Fact>> latestFacts, Clock clock) {
    this.findings = findings;
    this.repo = repo;
    this.policy = policy;
    this.file = file;
    this.latestFacts = latestFacts;
    this.clock = clock;
  }

  public ReviewProperties properties() {
    return policy.properties();
  }

  // --- evaluation ----------------------------------------------------------------------------

  /**
   * What the last evaluation's sync left in force: the waivers it read, as of when, and the owners
   * of subjects. Null before the first evaluation this service stored, and after one whose
   * transaction did not commit: the next then syncs every open finding.
   *
   * @param rulesByType the rules of the open findings, per subject type, as of that sync (a superset:
   *     rules of findings resolved since stay): a finding's id is its rule's and subject's hash, so
   *     the findings of a subject whose owner changed are looked up by id, with no index on subjects
   * @param open the ids of the open findings as of that sync, and of those opened since (a filter:
   *     only those it may hold are looked up). Like {@code owners}, brought up to date in place by
   *     the next sync, which drops it if its transaction does not commit
   */
  private record Synced(List<Waiver> waivers, Instant at, SubjectOwners owners, long eventsHead,
      Map<String, Set<String>> rulesByType, OpenFindingIds open) {}

  private Synced synced;

  /**
   * Stores an evaluation's reconciliation and, in the same transaction, the waivers and default
   * assignees it implies, as {@link #sync} over every open finding would, but reading only the open
   * findings that can have changed (docs/review.md, "What an evaluation's sync reads"):
   *
   * <ul>
   *   <li>every open finding when no evaluation was stored before, when the caller does not know
   *       which facts changed ({@code changedSubjects} null: a full reconciliation), when the
   *       waivers differ from the last sync's (added, approved, revoked, removed from the file), or
   *       when one of them came into or went out of force since (its expiry passed);
   *   <li>otherwise only the findings this reconciliation opened or reopened, those assigned or
   *       reset to their owner since (by any replica), and the open findings
   *       whose subject's owner changed. The others were synced last time against the same
   *       waivers in force and, their subject's owner being the same, the same default assignee.
   * </ul>
   *
   * Owners come from all facts ({@link SubjectOwners}: one model version's owner is also its runs',
   * monitors' and attestations'). When the caller knows what changed, they are the last sync's
   * brought up to date with the facts that changed ({@link SubjectOwners#update}), which also names
   * the subjects whose owner moved; else they are taken from every fact, on a thread of their own
   * started before the store writes ({@link OwnersAhead}; docs/review.md, "Owners from every fact,
   * beside the store's writes").
   */
  @Override
  public synchronized void store(Reconciler.Result result, List<Fact> facts, FactDelta changed) {
    Synced last = synced;
    synced = null; // set again once this transaction commits
    // the cases in which syncAfter takes the owners from every fact, known before anything is written
    try (OwnersAhead ahead = last == null || changed == null ? OwnersAhead.start(facts) : null) {
      synced = store(result, facts, changed, last, ahead);
    }
  }

  private Synced store(Reconciler.Result result, List<Fact> facts, FactDelta changed, Synced last,
      OwnersAhead ahead) {
    return repo.inTransaction(() -> {
      // A reset to the owner, on any replica, took the owner from the facts of its time, which need
      // not be those evaluated: such findings are synced again. The chain's head is read before
      // anything else: an event beyond it was not committed when this sync read the findings, so
      // the next sync reads it.
      long head = repo.findingEventsHead();
      List<String> assigned = last == null || changed == null ? List.of() : repo.assignedSince(last.eventsHead());
      // Asked before the store writes, and only where the sync would otherwise read every open finding:
      // when none was open, those open after it are the ones this result wrote open (see openAfter).
      boolean noneOpenBefore = (last == null || changed == null) && !repo.anyOpenFinding();
      findings.apply(result);
      // The events this store appended are a reconciliation's (never an assignment) and need not be
      // read again by the next sync: when the chain moved by exactly their number, no other writer's
      // event came in between (appends hold the chain's head lock until commit), so the next sync
      // reads from past them. Else from the head read first. WHY: after a first evaluation, reading
      // its 304,476 events again for assignments took 2.4 s of the next cycle at 1,000,000 facts on H2.
      long appended = result.events().isEmpty() ? head : repo.findingEventsHead();
      long readFrom = appended - head == result.events().size() ? appended : head;
      Synced now = syncAfter(result, facts, changed, last, assigned, readFrom, noneOpenBefore, ahead);
      PausePoints.reach(PausePoints.RECONCILE);
      return now;
    });
  }

  /**
   * @param noneOpenBefore whether the store held no open finding before this result was applied (in
   *     this transaction): then, if every open finding is to be synced, they are taken from the result
   * @param ahead the owners from every fact, being computed since before the store wrote; null when
   *     the sync was expected to need no more than the facts that changed
   */
  private Synced syncAfter(Reconciler.Result result, List<Fact> facts, FactDelta changed, Synced last,
      List<String> assigned, long eventsHead, boolean noneOpenBefore, OwnersAhead ahead) {
    long t0 = System.nanoTime();
    Instant now = result.at();
    List<Waiver> all = waivers();
    boolean known = last != null && changed != null;
    SubjectOwners owners;
    Map<String, String> ownersChanged = Map.of(); // subject -> type, when known
    String ownersFrom;
    if (known && changed.subjects().isEmpty()) {
      owners = last.owners();
      ownersFrom = "kept: no fact changed";
    } else if (known && (ownersChanged = last.owners().update(changed.removed(), changed.added())) != null) {
      owners = last.owners(); // brought up to date in place: dropped with `last` if this transaction fails
      ownersFrom = "from the " + (changed.removed().size() + changed.added().size()) + " changed fact(s)";
    } else {
      owners = ahead != null ? ahead.join() : SubjectOwners.of(facts);
      ownersChanged = known ? owners.changedSince(last.owners()) : null;
      ownersFrom = ahead != null ? "from every fact, beside the store's writes: " + ahead.took() + " on their"
          + " own thread" : "from every fact";
    }
    long ownersNanos = System.nanoTime() - t0;
    boolean waiversSame = known && last.waivers().equals(all)
        && all.stream().allMatch(w -> w.inForce(last.at()) == w.inForce(now));
    List<OpenFinding> open;
    int lookedUp = 0;
    int[] candidates = {0}; // rule x subject ids of the subjects whose owner changed
    int[] readCounts = {0, 0}; // findings read with their rows, workflow rows read alone
    OpenFindingIds openIds;
    Map<String, Set<String>> rulesByType = new HashMap<>();
    if (waiversSame) {
      last.rulesByType().forEach((type, rules) -> rulesByType.put(type, new java.util.HashSet<>(rules)));
      result.changed().forEach(f -> rulesByType.computeIfAbsent(f.subject().type(), t -> new java.util.HashSet<>())
          .add(f.ruleId()));
      openIds = last.open();
      List<String> ids = new ArrayList<>(assigned);
      // a finding open before and after keeps its rule, subject and so its waivers: only the newly open ones
      result.events().stream().filter(e -> e.type() == Type.OPENED || e.type() == Type.REOPENED)
          .forEach(e -> {
            ids.add(e.findingId());
            openIds.add(e.findingId());
          });
      OpenFindingIds mayBeOpen = openIds;
      ownersChanged.forEach((subject, type) -> rulesByType.getOrDefault(type, Set.of()).forEach(rule -> {
        candidates[0]++;
        String id = Finding.idOf(rule, subject);
        if (mayBeOpen.mayContain(id)) {
          ids.add(id);
        }
      }));
      open = ids.isEmpty() ? List.of() : openAmong(ids, result, readCounts);
      lookedUp = ids.size();
    } else {
      open = noneOpenBefore ? openAfter(result, readCounts) : repo.openFindings();
      open.forEach(f -> rulesByType.computeIfAbsent(f.subjectType(), t -> new java.util.HashSet<>()).add(f.ruleId()));
      openIds = new OpenFindingIds(open.stream().map(OpenFinding::id).toList());
    }
    long readNanos = System.nanoTime() - t0 - ownersNanos;
    sync(open, all, now, FindingEvent.SYSTEM, Set.of(), owners);
    log.info("waivers and default assignees synced over {} open finding(s) ({}) in {} ms, of which owners {} ms ({}),"
        + " reading the findings {} ms", open.size(), waiversSame ? "the changed ones and those whose subject's owner"
        + " changed, of " + lookedUp + " looked up, " + candidates[0] + " ids of their subjects before the open-ids filter; "
        + readCounts[0] + " read with their workflow rows, " + readCounts[1] + " rows read for findings this store wrote"
        : noneOpenBefore ? "all, none open before this store: taken from its result, " + readCounts[1]
        + " workflow rows read for findings it reopened" : "all", (System.nanoTime() - t0) / 1_000_000,
        ownersNanos / 1_000_000, ownersFrom, readNanos / 1_000_000);
    return new Synced(all, now, owners, eventsHead, rulesByType, openIds);
  }

  /**
   * Every open finding as this transaction left them, when the store held none open before it
   * applied {@code result} (a first evaluation on an empty or all-resolved store): then the open
   * findings are exactly those the result wrote open, whatever scope it reconciled (a finding outside
   * it was not open, so stays not open), and they are taken from the result, reading
   * only the workflow rows of those stored before (reopened findings keep theirs: acknowledgement,
   * explicit assignee, due date), as {@link #openAmong} does for the findings it wrote ({@link #withWorkflows}). In id order, the order of H2's pass over the table that
   * {@link ReviewRepository#openFindings()} makes after a first store. WHY (issue #14): at 1,000,000
   * facts that read was 2.2 s of the first evaluation's 6.5 s sync on H2, reading back pages of the
   * 304,476 findings just written, under a 2 GB heap beside the page cache.
   */
  private List<OpenFinding> openAfter(Reconciler.Result result, int[] counts) {
    List<Finding> open = new ArrayList<>();
    for (Finding f : result.changed()) {
      if (f.isOpen()) {
        open.add(f);
      }
    }
    open.sort(Comparator.comparing(Finding::id));
    // no map or set over all of them (unlike openAmong): 304,476 entries at 1,000,000 facts
    return withWorkflows(open, result.before(), counts);
  }

  /**
   * Open findings this store wrote, each with its workflow row: read for those stored before this
   * transaction (a reopened finding keeps its acknowledgement, explicit assignee and due date), empty
   * for those it inserted, whose row does not exist yet.
   *
   * @param before what the reconciliation read; null when not known which were inserted: rows read for all
   */
  private List<OpenFinding> withWorkflows(List<Finding> written, Reconciler.Stored before, int[] counts) {
    List<String> withRow = new ArrayList<>();
    for (Finding f : written) {
      if (before == null || before.findings().containsKey(f.id())) {
        withRow.add(f.id());
      }
    }
    Map<String, WorkflowRow> rows = withRow.isEmpty() ? Map.of() : repo.workflows(withRow);
    List<OpenFinding> out = new ArrayList<>(written.size());
    for (Finding f : written) {
      WorkflowRow row = rows.get(f.id());
      out.add(new OpenFinding(f.id(), f.ruleId(), f.subject().key(), f.subject().type(),
          row == null ? WorkflowRow.empty(f.id()) : row, row != null));
    }
    counts[1] += withRow.size();
    return out;
  }

  /**
   * The open findings among {@code ids} as this transaction left them. Those the reconciliation
   * wrote ({@link Reconciler.Result#changed}, just stored by {@link FindingRepository#apply}) are
   * taken from it, and only their workflow rows are read; none for the findings it inserted, which
   * cannot have one (a workflow row references a stored finding, and findings are never deleted).
   * Only the other ids are read from the findings with their rows. WHY (issue #14): on H2 the 1%
   * cycle read each changed finding three times, for the reconciliation, the store's updates and this
   * sync, from table pages (a finding's row holds its evidence) that the 16 MB page cache had dropped
   * in between.
   *
   * @param counts incremented: [0] findings read with their rows, [1] workflow rows read alone
   */
  private List<OpenFinding> openAmong(List<String> ids, Reconciler.Result result, int[] counts) {
    Map<String, Finding> written = new HashMap<>();
    result.changed().forEach(f -> written.put(f.id(), f));
    List<Finding> known = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    for (String id : new LinkedHashSet<>(ids)) {
      Finding f = written.get(id);
      if (f == null) {
        unknown.add(id);
      } else if (f.isOpen()) {
        known.add(f);
      }
    }
    List<OpenFinding> out = new ArrayList<>(unknown.isEmpty() ? List.of() : repo.openFindings(unknown));
    out.addAll(withWorkflows(known, result.before(), counts));
    counts[0] += unknown.size();
    return out;
  }

  /**
   * Brings every open finding's waiver in force up to date as of {@code now}, and, with
   * {@code owners}, its default assignee.
   *
   * @param actor who caused the change: the reviewer for changes of {@code actionWaivers}, else system
   */
  void sync(Instant now, String actor, Set<String> actionWaivers, SubjectOwners owners) {
    sync(repo.openFindings(), waivers(), now, actor, actionWaivers, owners);
  }

  /** {@link #sync} of the open findings {@code open} against the waivers {@code all}. */
  private void sync(List<OpenFinding> open, List<Waiver> all, Instant now, String actor, Set<String> actionWaivers,
      SubjectOwners owners) {
    Map<String, Waiver> byId = new HashMap<>();
    all.forEach(w -> byId.put(w.id(), w));
    List<Waiver> inForce = all.stream().filter(w -> w.inForce(now)).sorted(PRECEDENCE).toList();
    Map<String, String> waiverChanges = new LinkedHashMap<>();
    Map<String, String> assigneeChanges = new LinkedHashMap<>();
    Map<String, WorkflowRow> newRows = new LinkedHashMap<>(); // for findings without a row: inserted as they end
    List<FindingEvent> events = new ArrayList<>();
    for (OpenFinding f : open) {
      Waiver now_ = inForce.stream().filter(w -> w.covers(f.id(), f.ruleId(), f.subjectKey())).findFirst().orElse(null);
      String before = f.workflow().waiverId();
      String after = now_ == null ? null : now_.id();
      if (!Objects.equals(before, after)) {
        waiverChanges.put(f.id(), after);
        boolean byAction = (before != null && actionWaivers.contains(before)) || (after != null && actionWaivers.contains(after));
        String who = byAction ? actor : FindingEvent.SYSTEM;
        if (after != null) {
          events.add(new FindingEvent(f.id(), now, Type.WAIVED, who, now_.describe()
              + (before == null ? "" : " (replaces " + before + ")")));
        } else {
          events.add(new FindingEvent(f.id(), now, Type.UNWAIVED, who, whyEnded(byId.get(before), before, now)));
        }
      }
      if (owners != null && !"explicit".equals(f.workflow().assigneeSource())) {
        owners.ownerOf(f.subjectKey()).filter(o -> !o.equals(f.workflow().assignee()))
            .ifPresent(o -> assigneeChanges.put(f.id(), o));
      }
      if (!f.stored() && (waiverChanges.containsKey(f.id()) || assigneeChanges.containsKey(f.id()))) {
        newRows.put(f.id(), f.workflow().withWaiver(waiverChanges.remove(f.id()))
            .withAssignee(assigneeChanges.remove(f.id()), "owner"));
      }
    }
    repo.insertRows(newRows.values());
    repo.setWaivers(waiverChanges);
    repo.setDefaultAssignees(assigneeChanges);
    repo.addEvents(events);
  }

  private static String whyEnded(Waiver w, String id, Instant now) {
    if (w == null) {
      return "waiver " + id + " no longer exists (removed from the waivers file): the finding is open again";
    }
    return switch (w.state(now)) {
      case EXPIRED -> "waiver " + id + " expired at " + w.expiresAt() + ": the finding is open again";
      case REVOKED -> "waiver " + id + " was revoked by " + w.revokedBy() + " at " + w.revokedAt() + ": "
          + w.revokeReason() + "; the finding is open again";
      default -> "waiver " + id + " no longer covers this finding: it is open again";
    };
  }

  // --- reading -------------------------------------------------------------------------------

  /** Where several waivers cover a finding, the one that counts: one finding's before a rule's, then the longest-lasting. */
  static final Comparator<Waiver> PRECEDENCE = Comparator.comparing((Waiver w) -> w.scope() == Waiver.Scope.FINDING ? 0 : 1)
      .thenComparing(Waiver::expiresAt, Comparator.reverseOrder()).thenComparing(Waiver::id);

  /**
   * The waiver linked to each finding, as exports show it: the one in force, else one awaiting
   * approval, else the one that ended last (expired or revoked); a finding no waiver ever covered is
   * left out. Reads the store once per {@value ReviewRepository#CHUNK} findings, whatever the number of waivers.
   */
  public Map<String, Waiver> linkedWaivers(List<Finding> list) {
    Instant now = clock.instant();
    Comparator<Waiver> order = Comparator.comparing((Waiver w) -> switch (w.state(now)) {
      case ACTIVE -> 0;
      case PENDING -> 1;
      case EXPIRED, REVOKED -> 2;
    }).thenComparing((a, b) -> a.state(now) == Waiver.State.ACTIVE || a.state(now) == Waiver.State.PENDING
        ? PRECEDENCE.compare(a, b)
        : ended(b).compareTo(ended(a))) // the most recently ended first
        .thenComparing(Waiver::id);
    List<Waiver> fromFile = file.waivers();
    Map<String, Waiver> out = new HashMap<>();
    for (int i = 0; i < list.size(); i += ReviewRepository.CHUNK) {
      List<Finding> chunk = list.subList(i, Math.min(list.size(), i + ReviewRepository.CHUNK));
      List<Waiver> candidates = Stream.concat(repo.waiversFor(chunk.stream().map(Finding::id).toList(),
          chunk.stream().map(Finding::ruleId).toList()).stream(), fromFile.stream()).toList();
      for (Finding f : chunk) {
        candidates.stream().filter(w -> w.covers(f.id(), f.ruleId(), f.subject().key())).min(order)
            .ifPresent(w -> out.put(f.id(), w));
      }
    }
    return out;
  }

  private static Instant ended(Waiver w) {
    return w.revokedAt() != null ? w.revokedAt() : w.expiresAt();
  }

  /** Every waiver, from the API and the waivers file, oldest request first. */
  public List<Waiver> waivers() {
    return Stream.concat(repo.waivers().stream(), file.waivers().stream()).toList();
  }

  public Waiver waiver(String id) {
    Optional<Waiver> found = id.startsWith("file:")
        ? file.waivers().stream().filter(w -> w.id().equals(id)).findFirst()
        : repo.waiver(id);
    return found.orElseThrow(() -> new NoSuchElementException("no waiver " + id));
  }

  /** Open findings each waiver covers (as of the last evaluation or waiver action). */
  public Map<String, Long> coveredFindings() {
    return repo.waivedFindingsByWaiver();
  }

  /** The workflow of each finding, in the order given. */
  public Map<String, FindingWorkflow> workflows(List<Finding> list) {
    return workflows(list.stream().map(f -> new Brief(f.id(), f.isOpen(), f.severity(), f.firstSeen())).toList());
  }

  /** The workflow of each finding of a list page (read with the page), in the page's order. */
  public Map<String, FindingWorkflow> summaryWorkflows(io.aimsmonitor.store.FindingRepository.SummaryPage page) {
    return workflows(page.items().stream()
        .map(f -> new Brief(f.id(), f.status() == Finding.Status.OPEN, f.severity(), f.firstSeen())).toList(),
        page.workflows());
  }

  /** What a finding's workflow view needs of it. */
  private record Brief(String id, boolean open, io.aimsmonitor.rules.Severity severity, Instant firstSeen) {}

  private Map<String, FindingWorkflow> workflows(java.util.Collection<Brief> list) {
    return workflows(list, repo.workflows(list.stream().map(Brief::id).toList()));
  }

  /** The workflow views of {@code list} from its workflow {@code rows} (a finding without one has none yet). */
  private Map<String, FindingWorkflow> workflows(java.util.Collection<Brief> list, Map<String, WorkflowRow> rows) {
    Map<String, Waiver> waivers = new HashMap<>();
    if (rows.values().stream().anyMatch(r -> r.waiverId() != null)) {
      waivers().forEach(w -> waivers.put(w.id(), w));
    }
    Map<String, FindingWorkflow> out = new LinkedHashMap<>();
    for (Brief f : list) {
      out.put(f.id(), view(f, rows.getOrDefault(f.id(), WorkflowRow.empty(f.id())), waivers));
    }
    return out;
  }

  public FindingWorkflow workflow(Finding f) {
    return workflows(List.of(f)).get(f.id());
  }

  private FindingWorkflow view(Brief f, WorkflowRow row, Map<String, Waiver> waivers) {
    Waiver waiver = f.open() && row.waiverId() != null ? waivers.get(row.waiverId()) : null;
    String state = !f.open() ? FindingWorkflow.RESOLVED : waiver != null ? FindingWorkflow.WAIVED : FindingWorkflow.OPEN;
    Instant due = row.dueAt();
    String dueSource = due != null ? "explicit" : null;
    if (due == null) {
      due = properties().defaultDue(f.severity(), f.firstSeen()).orElse(null);
      dueSource = due == null ? null : "default";
    }
    return new FindingWorkflow(state, row.acknowledgedAt() != null, row.acknowledgedBy(), row.acknowledgedAt(),
        row.assignee(), row.assignee() == null ? null : row.assigneeSource(), due, dueSource, waiver);
  }

  // --- actions on one finding ------------------------------------------------------------------

  public FindingWorkflow acknowledge(String findingId, String actor, String note) {
    Finding f = finding(findingId);
    String text = optionalText(note, "note");
    return act(f, () -> {
      Instant now = clock.instant();
      repo.setAcknowledged(f.id(), actor, now);
      repo.addEvents(List.of(new FindingEvent(f.id(), now, Type.ACKNOWLEDGED, actor, text)));
    });
  }

  /** @param assignee a person or team; null or blank: back to the default, the subject's owner */
  public FindingWorkflow assign(String findingId, String assignee, String actor) {
    Finding f = finding(findingId);
    String who = assignee == null || assignee.isBlank() ? null : assignee.strip();
    if (who != null && who.length() > 200) {
      throw new IllegalArgumentException("assignee must be at most 200 characters");
    }
    return act(f, () -> {
      Instant now = clock.instant();
      if (who != null) {
        repo.setAssignee(f.id(), who, "explicit");
        repo.addEvents(List.of(new FindingEvent(f.id(), now, Type.ASSIGNED, actor, "assigned to " + who)));
      } else {
        Optional<String> owner = SubjectOwners.of(latestFacts.get()).ownerOf(f.subject().key());
        repo.setAssignee(f.id(), owner.orElse(null), "owner");
        repo.addEvents(List.of(new FindingEvent(f.id(), now, Type.ASSIGNED, actor, owner
            .map(o -> "assignment reset to the owner, " + o).orElse("unassigned (the subject has no recorded owner)"))));
      }
    });
  }

  public FindingWorkflow comment(String findingId, String text, String actor) {
    Finding f = finding(findingId);
    String body = requiredText(text, "text");
    return act(f, () -> repo.addEvents(List.of(new FindingEvent(f.id(), clock.instant(), Type.COMMENTED, actor, body))));
  }

  /** @param due null: back to the default for the finding's severity */
  public FindingWorkflow setDue(String findingId, Instant due, String actor) {
    Finding f = finding(findingId);
    return act(f, () -> {
      repo.setDue(f.id(), due);
      String detail = due != null ? "due " + due : properties().defaultDue(f.severity(), f.firstSeen())
          .map(d -> "due date reset to the default for " + f.severity().label() + ", " + d)
          .orElse("due date removed (no default for " + f.severity().label() + ")");
      repo.addEvents(List.of(new FindingEvent(f.id(), clock.instant(), Type.DUE_DATE_SET, actor, detail)));
    });
  }

  private FindingWorkflow act(Finding f, Runnable work) {
    repo.inTransaction(() -> {
      work.run();
      return null;
    });
    return workflow(f);
  }

  // --- waivers ---------------------------------------------------------------------------------

  /**
   * Requests a waiver. Without four-eyes mode it is in force at once, the requester being its
   * approver; with it, it waits for another reviewer ({@link #approve}).
   */
  public Waiver requestWaiver(WaiverRequest request, String actor) {
    return requestWaivers(List.of(request), actor).get(0);
  }

  /** Several waivers from one reviewer, checked first, then stored and applied together. */
  private List<Waiver> requestWaivers(List<WaiverRequest> requests, String actor) {
    Instant now = clock.instant();
    boolean approved = !properties().fourEyes();
    List<Waiver> made = new ArrayList<>();
    for (WaiverRequest request : requests) {
      Waiver.Scope scope = policy.check(request, now);
      if (scope == Waiver.Scope.FINDING) {
        finding(request.findingId());
      }
      made.add(new Waiver("W-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12), scope,
          request.findingId(), request.ruleId(), request.subjectPattern(), request.justification().strip(), actor, now,
          approved ? actor : null, approved ? now : null, request.expiresAt(), null, null, null));
    }
    return repo.inTransaction(() -> {
      made.forEach(repo::insert);
      if (approved) {
        sync(now, actor, made.stream().map(Waiver::id).collect(java.util.stream.Collectors.toSet()), null);
      } else {
        List<FindingEvent> events = new ArrayList<>();
        for (OpenFinding f : repo.openFindings()) {
          made.stream().filter(w -> w.covers(f.id(), f.ruleId(), f.subjectKey())).forEach(w -> events.add(
              new FindingEvent(f.id(), now, Type.WAIVER_REQUESTED, actor, w.describe() + "; awaiting approval by another reviewer")));
        }
        repo.addEvents(events);
      }
      return made;
    });
  }

  /** Approves a pending waiver (four-eyes mode); the requester cannot. */
  public Waiver approve(String waiverId, String actor) {
    Waiver w = apiWaiver(waiverId);
    Instant now = clock.instant();
    if (w.state(now) != Waiver.State.PENDING) {
      throw new IllegalStateException("waiver " + waiverId + " is " + w.state(now).label() + ", not pending approval");
    }
    policy.checkApprover(w, actor);
    Waiver approved = w.approved(actor, now);
    return repo.inTransaction(() -> {
      if (!repo.update(approved, w)) {
        throw new IllegalStateException("waiver " + waiverId + " changed meanwhile; read it again");
      }
      sync(now, actor, Set.of(w.id()), null);
      return approved;
    });
  }

  /** Ends a pending or active waiver now; its findings are open again at once. */
  public Waiver revoke(String waiverId, String reason, String actor) {
    Waiver w = apiWaiver(waiverId);
    String why = requiredText(reason, "reason");
    Instant now = clock.instant();
    Waiver.State state = w.state(now);
    if (state != Waiver.State.PENDING && state != Waiver.State.ACTIVE) {
      throw new IllegalStateException("waiver " + waiverId + " is already " + state.label());
    }
    Waiver revoked = w.revoked(actor, now, why);
    return repo.inTransaction(() -> {
      if (!repo.update(revoked, w)) {
        throw new IllegalStateException("waiver " + waiverId + " changed meanwhile; read it again");
      }
      sync(now, actor, Set.of(w.id()), null);
      return revoked;
    });
  }

  private Waiver apiWaiver(String waiverId) {
    if (waiverId.startsWith("file:")) {
      waiver(waiverId);
      throw new IllegalStateException("waiver " + waiverId + " is kept in the waivers file ("
          + properties().waiversFile() + "): change it there");
    }
    return waiver(waiverId);
  }

  // --- bulk ------------------------------------------------------------------------------------

  /** What a bulk action does to each finding of the selection. */
  public enum BulkAction { ACKNOWLEDGE, ASSIGN, WAIVE }

  /**
   * Applies one action to every finding selected, all or nothing.
   *
   * @param value the assignee (assign) or the justification (waive)
   * @param expiresAt the waivers' expiry (waive)
   * @return the findings changed, and for waive the waivers made (one per finding, one justification)
   */
  public BulkResult bulk(List<Finding> selected, BulkAction action, String value, Instant expiresAt, String actor) {
    if (selected.size() > properties().maxBulk()) {
      throw new IllegalArgumentException("the filter selects " + selected.size() + " findings, more than the "
          + properties().maxBulk() + " one bulk action may change (aims.review.max-bulk); narrow it");
    }
    return repo.inTransaction(() -> {
      List<String> waivers = new ArrayList<>();
      switch (action) {
        case ACKNOWLEDGE -> selected.forEach(f -> acknowledge(f.id(), actor, value));
        case ASSIGN -> selected.forEach(f -> assign(f.id(), value, actor));
        case WAIVE -> requestWaivers(selected.stream().map(f -> WaiverRequest.forFinding(f.id(), value, expiresAt))
            .toList(), actor).forEach(w -> waivers.add(w.id()));
      }
      return new BulkResult(selected.stream().map(Finding::id).toList(), waivers);
    });
  }

  public record BulkResult(List<String> findings, List<String> waivers) {}

  // --- the controls report ---------------------------------------------------------------------

  /** For the Statement of Applicability: which accepted risks stand behind a control's waived findings. */
  @Override
  public Optional<String> justification(String controlId) {
    Map<String, Long> byWaiver = repo.waivedForControl(controlId);
    if (byWaiver.isEmpty()) {
      return Optional.empty();
    }
    List<String> parts = new ArrayList<>();
    byWaiver.forEach((id, n) -> {
      String what;
      try {
        what = waiver(id).describe();
      } catch (NoSuchElementException e) {
        what = "waiver " + id;
      }
      parts.add(n + " finding" + (n == 1 ? "" : "s") + " accepted by " + what);
    });
    return Optional.of(String.join("; ", parts));
  }

  // --- helpers ---------------------------------------------------------------------------------

  private Finding finding(String id) {
    return findings.get(id).orElseThrow(() -> new NoSuchElementException("no finding " + id));
  }

  private static String requiredText(String text, String name) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(name + " is required");
    }
    return optionalText(text, name);
  }

  private static String optionalText(String text, String name) {
    if (text == null || text.isBlank()) {
      return null;
    }
    if (text.length() > MAX_TEXT) {
      throw new IllegalArgumentException(name + " must be at most " + MAX_TEXT + " characters, got " + text.length());
    }
    return text.strip();
  }
}
