package io.aimsmonitor.export;

import io.aimsmonitor.finding.Finding;

/** The waiver state of a finding; the review workflow provides the real one as a bean. */
@FunctionalInterface
public interface WaiverLookup {

  WaiverLookup NONE = finding -> WaiverState.NONE;

  WaiverState of(Finding finding);
}
