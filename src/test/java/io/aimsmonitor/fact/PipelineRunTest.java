package io.aimsmonitor.fact;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** isInProgress: one lookup for the usual lower-case status, the case-blind comparison for any other spelling. */
class PipelineRunTest {

  private static PipelineRun withStatus(String status) {
    return new PipelineRun("s", null, null, "ci", "acme/x", "wf", "1", "main", null, status, null, null, null, null);
  }

  @Test
  void unfinishedStatusesInAnySpellingAreInProgressAndFinishedOnesAreNot() {
    for (String status : List.of("queued", "in_progress", "waiting_for_resource", "canceling", "RUNNING", "Queued",
        "In_Progress", "\u017Fcheduled" /* long s: equalsIgnoreCase matches it to "scheduled" */)) {
      assertThat(withStatus(status).isInProgress()).as(status).isTrue();
    }
    for (String status : List.of("completed", "COMPLETED", "success", "failed", "in progress", "queued ", "", "queue",
        "scheduled2")) {
      assertThat(withStatus(status).isInProgress()).as(status).isFalse();
    }
    assertThat(withStatus(null).isInProgress()).isFalse();
  }
}
