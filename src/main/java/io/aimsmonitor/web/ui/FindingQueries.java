package io.aimsmonitor.web.ui;

import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.review.AiSystemInventory;
import io.aimsmonitor.store.FindingFilter;
import io.aimsmonitor.web.api.FindingParameters;
import java.util.Set;
import org.springframework.stereotype.Component;
import org.springframework.util.MultiValueMap;

/**
 * The findings filters of the UI: exactly the API's ({@link FindingParameters}), so that a page's
 * query string means what the same query means on {@code /api/findings}, and a filter added to the
 * API appears here without a second implementation.
 */
@Component
public class FindingQueries {

  /** The findings page's own parameters beside the filters. */
  public static final Set<String> PAGE_PARAMETERS = Set.of("sort", "cursor", "limit");

  private final FindingParameters.Lookups lookups;

  public FindingQueries(ControlCatalog catalog, AiSystemInventory aiSystems) {
    this.lookups = new FindingParameters.Lookups(catalog, aiSystems);
  }

  /** The filter a query asks for; an unknown parameter or a bad value is a {@code BadParameterException}. */
  public FindingFilter filter(MultiValueMap<String, String> query) {
    return FindingParameters.filter(query, PAGE_PARAMETERS, lookups);
  }
}
