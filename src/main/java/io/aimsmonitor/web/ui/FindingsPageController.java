package io.aimsmonitor.web.ui;

import io.aimsmonitor.connector.ConnectorInstances;
import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.finding.FindingSummary;
import io.aimsmonitor.finding.FindingWorkflow;
import io.aimsmonitor.review.ReviewService;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.rules.RuleDefinition;
import io.aimsmonitor.rules.Severity;
import io.aimsmonitor.store.FindingFilter;
import io.aimsmonitor.store.FindingRepository;
import io.aimsmonitor.store.FindingSort;
import io.aimsmonitor.web.api.BadParameterException;
import io.aimsmonitor.web.api.FindingActionsController;
import io.aimsmonitor.web.api.FindingActionsController.BulkBody;
import io.aimsmonitor.web.api.FindingActionsController.BulkFilter;
import io.aimsmonitor.web.api.FindingParameters;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Page 2, the findings table. Its query string is the API's ({@code GET /api/findings}: the same
 * filters through {@link FindingQueries}, {@code sort}, {@code cursor}), so a URL is a saved view
 * and a view's URL with {@code /api} in front is its data. Pages are read by keyset from the sort
 * index and never counted, so the table stays fast at any size. Reviewers select rows and apply a
 * bulk action (acknowledge, assign, waive) through the API's bulk action, with htmx or as a plain
 * form.
 */
@Controller
public class FindingsPageController {

  static final List<Integer> LIMITS = List.of(25, 50, 100, 200);
  static final int DEFAULT_LIMIT = 50;

  private final FindingRepository findings;
  private final FindingQueries queries;
  private final ReviewService review;
  private final FindingActionsController actions;
  private final RuleBook ruleBook;
  private final ControlCatalog catalog;
  private final ConnectorInstances connectors;

  public FindingsPageController(FindingRepository findings, FindingQueries queries, ReviewService review,
      FindingActionsController actions, RuleBook ruleBook, ControlCatalog catalog, ConnectorInstances connectors) {
    this.findings = findings;
    this.queries = queries;
    this.review = review;
    this.actions = actions;
    this.ruleBook = ruleBook;
    this.catalog = catalog;
    this.connectors = connectors;
  }

  /** A row of the table: the finding in brief and its workflow. */
  public record Row(FindingSummary finding, FindingWorkflow workflow) {}

  /** A sortable column: its link and its current direction for aria-sort. */
  public record SortLink(String url, String ariaSort) {}

  @GetMapping("/findings")
  String list(@RequestParam MultiValueMap<String, String> query, Model model) {
    MultiValueMap<String, String> canonical = canonical(query);
    if (!canonical.equals(query)) {
      // blank form fields left out and comma lists split: the address bar shows the clean view
      return "redirect:" + url(canonical);
    }
    render(canonical, model);
    return "ui/findings";
  }

  /**
   * A bulk action on the selected findings, then the same view again with what was done. htmx
   * swaps the answer's results into the page; a plain form post is redirected to the view.
   */
  @PostMapping("/findings/bulk")
  String bulk(@RequestParam(name = "id", required = false) List<String> ids, @RequestParam String action,
      @RequestParam(required = false) String assignee, @RequestParam(required = false) String note,
      @RequestParam(required = false) String justification, @RequestParam(required = false) String expiresOn,
      @RequestParam(defaultValue = "") String view, @RequestHeader(name = "HX-Request", required = false) String htmx,
      Principal principal, Model model, RedirectAttributes redirect, HttpServletResponse response) {
    String notice = null;
    String problem = null;
    try {
      if (ids == null || ids.isEmpty()) {
        throw new IllegalArgumentException("Select at least one finding first.");
      }
      Instant expiresAt = action.equals("waive") ? dayStart("expiry", expiresOn) : null;
      io.aimsmonitor.review.ReviewService.BulkResult result = actions.bulk(new BulkBody(new BulkFilter(ids, null, null, null,
          null, null, null, null, null), action, blankToNull(assignee), blankToNull(note), justification, expiresAt),
          principal);
      notice = switch (action) {
        case "acknowledge" -> "Acknowledged " + count(result.findings().size()) + ".";
        case "assign" -> "Assigned " + count(result.findings().size()) + " to "
            + (blankToNull(assignee) == null ? "each subject's owner" : assignee.trim()) + ".";
        default -> "Waived " + count(result.findings().size()) + " until " + expiresOn + " ("
            + result.waivers().size() + " waiver" + (result.waivers().size() == 1 ? "" : "s")
            + (review.properties().fourEyes() ? ", each in force once another reviewer approves it" : "") + ").";
      };
    } catch (IllegalArgumentException | IllegalStateException | NoSuchElementException e) {
      problem = "Nothing was changed: " + e.getMessage();
    }
    MultiValueMap<String, String> viewQuery = parse(view);
    if (htmx == null) {
      redirect.addFlashAttribute(notice != null ? "notice" : "problem", notice != null ? notice : problem);
      return "redirect:" + url(viewQuery);
    }
    model.addAttribute("bulkNotice", notice);
    model.addAttribute("bulkProblem", problem);
    render(canonical(viewQuery), model);
    return "ui/findings :: results";
  }

  private void render(MultiValueMap<String, String> query, Model model) {
    model.addAttribute("q", joined(query));
    model.addAttribute("view", queryString(query));
    model.addAttribute("apiUrl", "/api" + url(query));
    model.addAttribute("limits", LIMITS);
    addChoices(model);
    String sortParam = query.getFirst("sort");
    FindingSort sort;
    int limit;
    FindingFilter filter;
    FindingSort.Cursor after;
    try {
      sort = sortParam == null ? FindingSort.DEFAULT : parseSort(sortParam);
      limit = limit(query.getFirst("limit"));
      after = query.getFirst("cursor") == null ? null : cursor(query.getFirst("cursor"), sort);
      filter = queries.filter(query);
    } catch (BadParameterException e) {
      model.addAttribute("filterError", e.getMessage());
      model.addAttribute("rows", List.of());
      model.addAttribute("sortLinks", sortLinks(query, FindingSort.DEFAULT));
      return;
    }
    FindingRepository.SummaryPage page = findings.page(filter, sort, after, limit, false);
    Map<String, FindingWorkflow> workflows = review.summaryWorkflows(page);
    model.addAttribute("rows", page.items().stream().map(f -> new Row(f, workflows.get(f.id()))).toList());
    model.addAttribute("nextUrl", page.next() == null ? null : url(with(query, "cursor", page.next().encode())));
    model.addAttribute("firstUrl", after == null ? null : url(with(query, "cursor", null)));
    model.addAttribute("sortLinks", sortLinks(query, sort));
    model.addAttribute("filtered", query.keySet().stream().anyMatch(k -> !FindingQueries.PAGE_PARAMETERS.contains(k)));
  }

  /** Suggestions for the filter fields: the values that exist. */
  private void addChoices(Model model) {
    Set<String> packs = new TreeSet<>();
    Set<String> rules = new TreeSet<>();
    for (RuleDefinition r : ruleBook.rules().values()) {
      packs.add(r.pack());
      rules.add(r.id());
    }
    model.addAttribute("packChoices", packs);
    model.addAttribute("ruleChoices", rules);
    model.addAttribute("controlChoices", catalog.all().stream().map(c -> c.id()).toList());
    model.addAttribute("sourceChoices", connectors.configs().stream().map(c -> c.id()).sorted().toList());
    // No list of AI systems here: building the inventory reads every fact and open finding, too much
    // for each page of the table; the AI systems page links here with its filter.
    List<String> severities = new ArrayList<>();
    for (Severity s : Severity.values()) {
      severities.add(0, s.name().toLowerCase(Locale.ROOT));
    }
    model.addAttribute("severityChoices", severities);
  }

  private static Map<String, SortLink> sortLinks(MultiValueMap<String, String> query, FindingSort current) {
    Map<String, SortLink> out = new LinkedHashMap<>();
    for (FindingSort.Key key : FindingSort.Key.values()) {
      boolean active = current.key() == key;
      // a first click sorts the way people read that column: most severe, newest, a to z
      boolean descending = active ? !current.descending() : key != FindingSort.Key.RULE;
      String label = (descending ? "-" : "") + key.label();
      MultiValueMap<String, String> q = with(with(query, "cursor", null), "sort", label);
      out.put(key.label(), new SortLink(url(q), active ? (current.descending() ? "descending" : "ascending") : null));
    }
    return out;
  }

  /** Blank values left out; comma lists of repeatable filters split into repeated parameters. */
  static MultiValueMap<String, String> canonical(MultiValueMap<String, String> query) {
    Set<String> repeatable = new java.util.HashSet<>();
    FindingParameters.FILTERS.stream().filter(FindingParameters.Filter::repeatable).forEach(f -> repeatable.add(f.name()));
    MultiValueMap<String, String> out = new LinkedMultiValueMap<>();
    query.forEach((name, values) -> {
      for (String v : values) {
        if (v == null || v.isBlank()) {
          continue;
        }
        if (repeatable.contains(name)) {
          for (String part : v.split(",")) {
            if (!part.isBlank()) {
              out.add(name, part.trim());
            }
          }
        } else {
          out.add(name, v.trim());
        }
      }
    });
    return out;
  }

  private static Map<String, String> joined(MultiValueMap<String, String> query) {
    Map<String, String> out = new LinkedHashMap<>();
    query.forEach((k, v) -> out.put(k, String.join(", ", v)));
    return out;
  }

  private static MultiValueMap<String, String> with(MultiValueMap<String, String> query, String name, String value) {
    MultiValueMap<String, String> out = new LinkedMultiValueMap<>(query);
    out.remove(name);
    if (value != null) {
      out.add(name, value);
    }
    return out;
  }

  static String url(MultiValueMap<String, String> query) {
    String qs = queryString(query);
    return "/findings" + (qs.isEmpty() ? "" : "?" + qs);
  }

  private static String queryString(MultiValueMap<String, String> query) {
    UriComponentsBuilder b = UriComponentsBuilder.newInstance();
    query.forEach((k, values) -> values.forEach(v -> b.queryParam(k, "{v}")));
    List<Object> vars = new ArrayList<>();
    query.forEach((k, values) -> vars.addAll(values));
    String built = b.encode().buildAndExpand(vars.toArray()).toUriString();
    return built.startsWith("?") ? built.substring(1) : built;
  }

  private static MultiValueMap<String, String> parse(String view) {
    MultiValueMap<String, String> out = new LinkedMultiValueMap<>();
    for (String pair : view.split("&")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.add(k, v);
    }
    return out;
  }

  private static FindingSort parseSort(String value) {
    try {
      return FindingSort.parse(value);
    } catch (IllegalArgumentException e) {
      throw new BadParameterException("sort", e.getMessage());
    }
  }

  private static FindingSort.Cursor cursor(String value, FindingSort sort) {
    try {
      return FindingSort.Cursor.decode(value, sort);
    } catch (IllegalArgumentException e) {
      throw new BadParameterException("cursor", e.getMessage() + " (open the first page again)");
    }
  }

  private static int limit(String value) {
    if (value == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(value);
      if (LIMITS.contains(limit)) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new BadParameterException("limit", "rows per page must be one of " + LIMITS + ", got '" + value + "'");
  }

  /**
   * The start (00:00 UTC) of a day given as yyyy-MM-dd: a waiver that "expires on 2027-01-31" is no
   * longer in force on that day, and pages print that same date back.
   */
  static Instant dayStart(String what, String date) {
    if (date == null || date.isBlank()) {
      throw new IllegalArgumentException("an " + what + " date is required");
    }
    try {
      return LocalDate.parse(date.trim()).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("the " + what + " must be a date like 2027-01-31, got '" + date + "'");
    }
  }

  static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  private static String count(int n) {
    return n + (n == 1 ? " finding" : " findings");
  }
}
