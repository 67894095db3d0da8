package io.aimsmonitor.web.api;

import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorInstances;
import io.aimsmonitor.schedule.Schedules;
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

  public ConnectorsController(ConnectorInstances connectors, SnapshotRepository snapshots,
      ObjectProvider<Schedules> schedules) {
    this.connectors = connectors;
    this.snapshots = snapshots;
    this.schedules = schedules;
  }

  /** One instance as the API shows it: never its credentials, only where they come from. */
  public record ConnectorView(String id, String type, boolean enabled, String baseUrl, String schedule,
      String credentials, RunSummary lastRun, Instant lastSuccessAt, Instant nextRunAt) {}

  @GetMapping
  public List<ConnectorView> list() {
    Map<String, SnapshotRepository.ConnectorState> states = snapshots.states();
    return connectors.configs().stream().map(c -> view(c, states.get(c.id()))).toList();
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
    return ResponseEntity.status(queued ? HttpStatus.ACCEPTED : HttpStatus.OK)
        .body(Map.of("connector", id, "accepted", queued, "state", outcome.name().toLowerCase(java.util.Locale.ROOT)));
  }

  @ExceptionHandler(Schedules.RunNowTooSoon.class)
  ResponseEntity<ProblemDetail> tooSoon(Schedules.RunNowTooSoon e) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS, e.getMessage());
    return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
        .header("Retry-After", String.valueOf(Math.max(1, e.retryAfter().toSeconds() + 1))).body(problem);
  }

  private ConnectorConfig instance(String id) {
    return connectors.find(id).orElseThrow(() -> new NoSuchElementException("no connector instance '" + id + "'"));
  }

  private ConnectorView view(ConnectorConfig c, SnapshotRepository.ConnectorState state) {
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
        s == null ? null : s.nextRun(c.id()).orElse(null));
  }
}
