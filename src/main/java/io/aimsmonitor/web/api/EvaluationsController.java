package io.aimsmonitor.web.api;

import io.aimsmonitor.replay.Replayer;
import io.aimsmonitor.store.EvaluationRecords;
import io.aimsmonitor.store.EvaluationRepository;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Recorded evaluations and their replay (docs/evidence.md): what an evaluation read (snapshots and
 * pack versions by hash) and whether re-running it from that gives the same verdicts.
 */
@RestController
@RequestMapping("/api/evaluations")
public class EvaluationsController {

  private static final int MAX_LIMIT = 1000;

  private final EvaluationRepository evaluations;
  private final Replayer replayer;

  public EvaluationsController(EvaluationRepository evaluations, Replayer replayer) {
    this.evaluations = evaluations;
    this.replayer = replayer;
  }

  /** Recorded evaluations, newest first. */
  @GetMapping
  public List<EvaluationRecords.Summary> list(@RequestParam(defaultValue = "100") int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new BadParameterException("limit", "limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
    return evaluations.records().list(limit);
  }

  /**
   * Re-runs a recorded evaluation from its stored snapshots and pack versions, at its own clock time.
   * 404 when there is no record of it; 409 while another replay runs.
   */
  @PostMapping("/{id}/replay")
  public Replayer.Result replay(@PathVariable long id) {
    return replayer.replay(id);
  }
}
