package io.aimsmonitor.web.api;

import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.finding.FindingEvent;
import io.aimsmonitor.finding.FindingSummary;
import io.aimsmonitor.store.FindingFilter;
import io.aimsmonitor.store.FindingRepository;
import io.aimsmonitor.store.FindingSort;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import io.aimsmonitor.finding.FindingWorkflow;
import io.aimsmonitor.review.AiSystemInventory;
import io.aimsmonitor.review.ReviewService;
import java.util.Map;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

/** Findings: a filtered, sorted list paged by cursor, and one finding with its workflow and history. Actions: {@link FindingActionsController}. */
@RestController
@RequestMapping("/api/findings")
public class FindingsController {

  private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
  static final int MAX_LIMIT = 1000;
  static final Set<String> PAGING = Set.of("limit", "sort", "cursor", "offset");

  private final FindingRepository findings;
  private final ControlCatalog catalog;
  private final ReviewService review;
  private final AiSystemInventory aiSystems;

  public FindingsController(FindingRepository findings, ControlCatalog catalog, ReviewService review,
      AiSystemInventory aiSystems) {
    this.findings = findings;
    this.catalog = catalog;
    this.review = review;
    this.aiSystems = aiSystems;
  }

  /** A finding as listed: its summary (no evidence), and beside it the review workflow (docs/review.md). */
  public record FindingItem(@JsonUnwrapped FindingSummary finding, FindingWorkflow workflow) {}

  /**
   * One page of findings.
   *
   * @param total findings matching the filters, over all pages
   * @param sort the order of the list, e.g. {@code -severity}
   * @param next the cursor of the next page (pass it as {@code cursor}); null on the last page
   * @param nextPage the same request for the next page, as a relative URL; null on the last page
   */
  public record FindingPage(List<FindingItem> items, long total, int limit, String sort, String next,
      String nextPage) {}


  /** A finding with its workflow and its full history, oldest event first. */
  public record FindingDetail(Finding finding, FindingWorkflow workflow, List<FindingEvent> history) {}

  @GetMapping
  @FindingFilterParameters
  @Operation(summary = "List findings", description = "Filtered (see the filter parameters), sorted, and paged by cursor:"
      + " each page's `next` continues the list after its last item, and stays correct while findings change."
      + " Items carry no evidence; `/api/findings/{id}` has it.")
  @Parameter(name = "sort", in = ParameterIn.QUERY, description = "severity, firstSeen, lastSeen or rule; a leading '-'"
      + " means descending. Default -severity (most severe first, then by id).")
  @Parameter(name = "limit", in = ParameterIn.QUERY, description = "items per page, 1 to 1000 (default 100)")
  @Parameter(name = "cursor", in = ParameterIn.QUERY, description = "the `next` of the previous page, with the same"
      + " filters and sort")
  @Parameter(name = "offset", in = ParameterIn.QUERY, deprecated = true, description = "replaced by `cursor`: only 0"
      + " is accepted")
  public FindingPage list(@Parameter(hidden = true) @RequestParam MultiValueMap<String, String> query,
      HttpServletRequest request) {
    int limit = limit(query.getFirst("limit"));
    String offset = query.getFirst("offset");
    if (offset != null && !offset.equals("0")) {
      throw new BadParameterException("offset", "offset paging was replaced by cursor paging: pass the previous page's"
          + " 'next' as 'cursor' (see docs/api.md)");
    }
    FindingSort sort = sort(query.getFirst("sort"));
    FindingSort.Cursor after = cursor(query.getFirst("cursor"), sort);
    FindingFilter filter = filter(query, PAGING);
    FindingRepository.SummaryPage page = findings.page(filter, sort, after, limit);
    String next = page.next() == null ? null : page.next().encode();
    String nextPage = next == null ? null : UriComponentsBuilder.fromPath(request.getRequestURI())
        .query(request.getQueryString()).replaceQueryParam("offset").replaceQueryParam("cursor", next)
        .build().toUriString();
    Map<String, FindingWorkflow> workflows = review.summaryWorkflows(page);
    return new FindingPage(page.items().stream().map(f -> new FindingItem(f, workflows.get(f.id()))).toList(),
        page.total(), limit, sort.label(), next, nextPage);
  }

  /** The lookups the filter parameters need. */
  FindingParameters.Lookups lookups() {
    return new FindingParameters.Lookups(catalog, aiSystems);
  }

  /**
   * The filter the parameters ask for ({@code others}: the endpoint's own, non-filter parameters);
   * also selects the findings of a bulk action.
   */
  FindingFilter filter(MultiValueMap<String, String> query, Set<String> others) {
    return FindingParameters.filter(query, others, lookups());
  }

  @GetMapping("/{id}")
  @Operation(summary = "One finding with its evidence and full history")
  public FindingDetail get(@PathVariable String id) {
    checkId(id);
    Finding finding = findings.get(id).orElseThrow(() -> new NoSuchElementException("no finding " + id));
    return new FindingDetail(finding, review.workflow(finding), findings.history(id));
  }

  static void checkId(String id) {
    if (!ID.matcher(id).matches()) {
      throw new BadParameterException("id", "a finding id is 32 lower-case hex digits");
    }
  }

  static FindingSort sort(String value) {
    if (value == null) {
      return FindingSort.DEFAULT;
    }
    try {
      return FindingSort.parse(value);
    } catch (IllegalArgumentException e) {
      throw new BadParameterException("sort", e.getMessage());
    }
  }

  private static int limit(String value) {
    if (value == null) {
      return 100;
    }
    try {
      int limit = Integer.parseInt(value.trim());
      if (limit >= 1 && limit <= MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new BadParameterException("limit", "must be a whole number from 1 to " + MAX_LIMIT + ", got '" + value + "'");
  }

  private static FindingSort.Cursor cursor(String value, FindingSort sort) {
    if (value == null) {
      return null;
    }
    try {
      return FindingSort.Cursor.decode(value.trim(), sort);
    } catch (IllegalArgumentException e) {
      throw new BadParameterException("cursor", e.getMessage());
    }
  }
}
