package io.aimsmonitor.export;

import io.aimsmonitor.finding.Finding;
import java.util.List;
import java.util.Map;

/**
 * The waiver linked to each finding; the review workflow provides the real one as a bean. Exports
 * ask for a whole batch at once, so that an implementation reads the store once per batch, not once
 * per finding.
 */
@FunctionalInterface
public interface WaiverLookup {

  WaiverLookup NONE = findings -> Map.of();

  /** Each finding's waiver state by finding id; a finding left out has none. */
  Map<String, WaiverState> of(List<Finding> findings);
}
