package io.aimsmonitor.web.api;

import io.aimsmonitor.oscal.OscalExporter;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** OSCAL 1.1.2 JSON exports (docs/oscal.md). */
@RestController
@RequestMapping("/api/oscal")
public class OscalController {

  private final OscalExporter oscal;
  private final Clock clock;

  public OscalController(OscalExporter oscal, Clock clock) {
    this.oscal = oscal;
    this.clock = clock;
  }

  /** The ISO/IEC 42001 control catalogue as an OSCAL catalog. */
  @GetMapping("/catalog")
  public Map<String, Object> catalog() {
    return oscal.catalog();
  }

  /**
   * Assessment results of one evaluation ({@code evaluation}) or of a period ({@code from}, {@code to}).
   *
   * @param evaluation id of a recorded evaluation (evaluation_run)
   * @param from start of the period (ISO-8601 instant); default: 30 days before {@code to}
   * @param to end of the period (exclusive); default now
   */
  @GetMapping("/assessment-results")
  public Map<String, Object> assessmentResults(@RequestParam(required = false) Long evaluation,
      @RequestParam(required = false) Instant from, @RequestParam(required = false) Instant to) {
    if (evaluation != null) {
      if (from != null || to != null) {
        throw new BadParameterException("evaluation", "give either evaluation or from/to, not both");
      }
      try {
        return oscal.assessmentResultsOfEvaluation(evaluation);
      } catch (java.util.NoSuchElementException e) {
        throw new BadParameterException("evaluation", e.getMessage());
      }
    }
    Instant end = to == null ? clock.instant() : to;
    Instant start = from == null ? end.minus(java.time.Duration.ofDays(30)) : from;
    if (!start.isBefore(end)) {
      throw new BadParameterException("from", "must be before to (" + end + ")");
    }
    return oscal.assessmentResults(start, end, "Period " + start + " to " + end);
  }

  /** @param asOf the open findings at this instant (ISO-8601); default now */
  @GetMapping("/poam")
  public Map<String, Object> poam(@RequestParam(required = false) Instant asOf) {
    return oscal.poam(asOf == null ? clock.instant() : asOf);
  }
}
