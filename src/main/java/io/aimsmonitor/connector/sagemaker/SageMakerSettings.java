package io.aimsmonitor.connector.sagemaker;

import java.util.List;

/**
 * The validated options of one sagemaker instance.
 *
 * @param groups model package groups to read; empty for every group in the account and region
 * @param profile named profile for the default credential chain, or null
 * @param latestApprovedIsProduction whether the newest approved package of a group that records no
 *     stage counts as production (alias {@code prod})
 */
record SageMakerSettings(String region, List<String> groups, String profile, boolean latestApprovedIsProduction,
    int pageSize) {

  SageMakerSettings {
    groups = List.copyOf(groups);
  }
}
