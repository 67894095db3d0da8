package io.aimsmonitor.web.api;

import io.aimsmonitor.audit.AuditLog;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.PushedEvents;
import io.aimsmonitor.connector.openlineage.OpenLineageConnectorType;
import io.aimsmonitor.connector.ConnectorInstances;
import io.aimsmonitor.schedule.MonitorService;
import io.aimsmonitor.schedule.Schedules;
import io.aimsmonitor.store.EvaluationRepository;
import io.aimsmonitor.store.SnapshotRepository;
import io.aimsmonitor.store.SnapshotRepository.RunSummary;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.quartz.SchedulerException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Connector instances: configuration summary, last run and last success, and run-now. */
@RestController
@RequestMapping("/api/connectors")
public class ConnectorsController {

  private final ConnectorInstances connectors;
  private final SnapshotRepository snapshots;
  private final ObjectProvider<Schedules> schedules;
  private final EvaluationRepository evaluations;
  private final ObjectProvider<MonitorService> monitor;
  private final AuditLog audit;
  private final PushedEvents pushed;

  /** Without an event store: no push source shows a last event. */
  public ConnectorsController(ConnectorInstances connectors, SnapshotRepository snapshots,
      ObjectProvider<Schedules> schedules, EvaluationRepository evaluations, ObjectProvider<MonitorService> monitor,
      AuditLog audit) {
    this(connectors, snapshots, schedules, evaluations, monitor, audit, PushedEvents.NONE);
  }

  /** @param pushed where pushed (OpenLineage) events are stored, for each push source's {@code lastEventAt} */
  @org.springframework.beans.factory.annotation.Autowired
  public ConnectorsController(ConnectorInstances connectors, SnapshotRepository snapshots,
      ObjectProvider<Schedules> schedules, EvaluationRepository evaluations, ObjectProvider<MonitorService> monitor,
      AuditLog audit, PushedEvents pushed) {
    this.audit = audit;
    this.pushed = pushed;
    this.connectors = connectors;
    this.snapshots = snapshots;
    this.schedules = schedules;
    this.evaluations = evaluations;
    this.monitor = monitor;
  }

  /**
   * One instance as the API shows it: never its credentials, only where they come from.
   *
   * @param fresh false when the last evaluation found the source failed or overdue
   * @param staleFindings how many open findings this source held stale at the last evaluation
   *     (findings whose verdict could depend on its data); 0 when it is fresh
   * @param heldRun the latest run when it is held as suspicious (not applied until confirmed), else null
   * @param configError when its file was changed into something invalid: the problems, while the
   *     previous version shown here stays in force; for a new file that was rejected, an entry with
   *     only {@code id} (the file name), {@code file} and this
   * @param lastEventAt for a push source (openlineage): when its newest event arrived; null otherwise
   */
  public record ConnectorView(String id, String type, boolean enabled, String baseUrl, String schedule,
      String credentials, RunSummary lastRun, Instant lastSuccessAt, Instant nextRunAt, boolean fresh,
      int staleFindings, RunSummary heldRun, String file, List<String> configError, Instant lastEventAt) {}

  @GetMapping
  public List<ConnectorView> list() {
    Map<String, SnapshotRepository.ConnectorState> states = snapshots.states();
    Map<String, Integer> staleness = evaluations.staleness();
    Map<String, List<String>> kept = new java.util.HashMap<>();
    List<ConnectorView> rejectedNew = new java.util.ArrayList<>();
    for (ConnectorInstances.Rejection r : connectors.rejected()) {
      if (r.keptId() != null) {
        kept.put(r.keptId(), r.problems());
      } else {
        String name = r.file().getFileName().toString().replaceFirst("\\.ya?ml$", "");
        rejectedNew.add(new ConnectorView(name, null, false, null, null, null, null, null, null, false, 0, null,
            r.file().toString(), r.problems(), null));
      }
    }
    List<ConnectorView> views = new java.util.ArrayList<>(connectors.configs().stream()
        .map(c -> view(c, states.get(c.id()), staleness, kept.get(c.id()))).toList());
    views.addAll(rejectedNew);
    return views;
  }

  @GetMapping("/{id}/runs")
  public List<RunSummary> runs(@PathVariable String id) {
    instance(id);
    return snapshots.history(id, 50);
  }

  /**
   * Queues a run: 202 with {@code state: queued}; 200 with {@code state: already_queued} or
   * {@code already_running} when a run of the instance is waiting or running (no second run);
   * 429 with {@code Retry-After} when the instance was run on request too recently.
   */
  @PostMapping("/{id}/run")
  public ResponseEntity<Map<String, Object>> run(@PathVariable String id) throws SchedulerException {
    ConnectorConfig config = instance(id);
    if (!config.enabled()) {
      throw new IllegalStateException("connector '" + id + "' is disabled");
    }
    Schedules s = schedules.getIfAvailable();
    if (s == null) {
      throw new IllegalStateException("the scheduler is disabled (aims.scheduler.enabled=false)");
    }
    Schedules.RunNow outcome = s.runNow(id);
    boolean queued = outcome == Schedules.RunNow.QUEUED;
    audit.record("connector.run", id, null, Map.of("accepted", queued, "state", outcome.name()));
    return ResponseEntity.status(queued ? HttpStatus.ACCEPTED : HttpStatus.OK)
        .body(Map.of("connector", id, "accepted", queued, "state", outcome.name().toLowerCase(java.util.Locale.ROOT)));
  }

  @ExceptionHandler(Schedules.RunNowTooSoon.class)
  ResponseEntity<ProblemDetail> tooSoon(Schedules.RunNowTooSoon e) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS, e.getMessage());
    return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
        .header("Retry-After", String.valueOf(Math.max(1, e.retryAfter().toSeconds() + 1))).body(problem);
  }

  /**
   * Confirms a run held as suspicious (its fact count dropped sharply): its facts become the
   * source's latest good snapshot and an evaluation is requested. Admin only (EndpointRoles), audited.
   */
  @PostMapping("/{id}/runs/{runId}/confirm")
  public RunSummary confirm(@PathVariable String id, @PathVariable long runId) throws SchedulerException {
    instance(id);
    RunSummary confirmed = monitor.getObject().confirmHeldRun(id, runId, AuditLog.currentActor())
        .orElseThrow(() -> new NoSuchElementException("connector '" + id + "' has no run " + runId));
    audit.record("connector.confirm-held-run", id + "/runs/" + runId, Map.of("status", "HELD"), confirmed);
    Schedules s = schedules.getIfAvailable();
    if (s != null) {
      s.requestEvaluation();
    }
    return confirmed;
  }

  private ConnectorConfig instance(String id) {
    return connectors.find(id).orElseThrow(() -> new NoSuchElementException("no connector instance '" + id + "'"));
  }

  private ConnectorView view(ConnectorConfig c, SnapshotRepository.ConnectorState state,
      Map<String, Integer> staleness, List<String> configError) {
    Schedules s = schedules.getIfAvailable();
    String credentials = switch (c.auth().type()) {
      case "none" -> "none";
      case "basic" -> "basic (" + c.auth().username() + ", password from " + c.auth().password() + ")";
      case "aws" -> "aws default credential chain";
      default -> c.auth().type() + " from " + c.auth().token();
    };
    return new ConnectorView(c.id(), c.type(), c.enabled(), c.baseUrl() == null ? null : c.baseUrl().toString(),
        c.schedule(), credentials, state == null ? null : state.lastRun().orElse(null),
        state == null ? null : state.lastSuccess().map(RunSummary::finishedAt).orElse(null),
        s == null ? null : s.nextRun(c.id()).orElse(null), !staleness.containsKey(c.id()),
        staleness.getOrDefault(c.id(), 0),
        state == null ? null : state.lastRun().filter(RunSummary::held).orElse(null),
        c.file() == null ? null : c.file().toString(), configError,
        OpenLineageConnectorType.NAME.equals(c.type()) ? pushed.lastReceived(c.id()).orElse(null) : null);
  }
}
