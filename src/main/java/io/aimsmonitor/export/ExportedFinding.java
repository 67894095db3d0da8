package io.aimsmonitor.export;

import io.aimsmonitor.finding.Finding;

/** One finding as every export writer receives it: the finding, its waiver state and its evidence links. */
public record ExportedFinding(Finding finding, WaiverState waiver, EvidenceLinks links) {

  public ExportedFinding {
    waiver = waiver == null ? WaiverState.NONE : waiver;
  }
}
