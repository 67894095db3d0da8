package io.aimsmonitor.web.api;

import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.review.AiSystemInventory;
import io.aimsmonitor.rules.Severity;
import io.aimsmonitor.store.FindingFilter;
import io.aimsmonitor.store.FindingFilter.Condition;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.springframework.util.MultiValueMap;

/**
 * The filter parameters of the findings list and its exports, one row each: its name, what it
 * means (shown in the OpenAPI description) and the {@link FindingFilter} condition its values
 * make. Adding a filter is one row here (and, if it needs new SQL, one factory method in
 * {@link FindingFilter}). Parameters not in this table, nor paging or format ones, are rejected,
 * so that a misspelt filter is an error rather than a silently unfiltered list.
 */
public final class FindingParameters {

  /**
   * One filter parameter.
   *
   * @param repeatable whether several values may be given (they are alternatives: rule=a&amp;rule=b)
   * @param condition turns the (non-empty, trimmed) values into a condition; throws
   *     {@link IllegalArgumentException} for a bad value
   */
  public record Filter(String name, String description, boolean repeatable,
      BiFunction<List<String>, Lookups, Condition> condition) {}

  /** What the filters look values up in: the control catalog, and the AI systems' subjects. */
  public record Lookups(ControlCatalog catalog, AiSystemInventory aiSystems) {}

  public static final List<Filter> FILTERS = List.of(
      new Filter("status", "open (no waiver covers it), waived (open, covered by a waiver in force), resolved, or stale"
          + " (open, not waived, on evidence that could not be refreshed)", false,
          (v, c) -> status(v.get(0))),
      new Filter("severity", "minimum severity: info, low, medium, high or critical", false,
          (v, c) -> FindingFilter.severityAtLeast(Severity.parse(v.get(0)))),
      new Filter("control", "an ISO/IEC 42001 control or clause id the finding cites, e.g. A.6.2.4", true,
          (v, c) -> FindingFilter.controls(controls(v, c.catalog()))),
      new Filter("rule", "a rule id, e.g. lifecycle.production-version-has-owner", true, (v, c) -> FindingFilter.rules(v)),
      new Filter("pack", "a rule pack name, e.g. aims-lifecycle", true, (v, c) -> FindingFilter.packs(v)),
      new Filter("source", "a connector instance id whose facts the finding was decided on", true,
          (v, c) -> FindingFilter.sources(v)),
      new Filter("owner", "an accountable owner the subject's source records (case-insensitive)", true,
          (v, c) -> FindingFilter.owners(v)),
      new Filter("text", "words in the message, title or subject (case-insensitive substring)", false,
          (v, c) -> FindingFilter.text(v.get(0))),
      new Filter("firstSeenFrom", "first seen at or after this time (ISO-8601 instant or date, UTC)", false,
          (v, c) -> FindingFilter.firstSeenFrom(time(v.get(0)))),
      new Filter("firstSeenBefore", "first seen before this time (ISO-8601 instant or date, UTC)", false,
          (v, c) -> FindingFilter.firstSeenBefore(time(v.get(0)))),
      new Filter("stale", "true: only findings on evidence that could not be refreshed; false: only fresh ones", false,
          (v, c) -> FindingFilter.stale(bool(v.get(0)))),
      new Filter("aiSystem", "an AI system id (see /api/ai-systems): findings about its subjects", false,
          (v, c) -> FindingFilter.subjectKeys(aiSystemSubjects(v.get(0), c.aiSystems()))),
      new Filter("assignee", "the person or team assigned in the review workflow", false,
          (v, c) -> FindingFilter.assignee(v.get(0))),
      new Filter("acknowledged", "true: only findings a reviewer acknowledged; false: only ones nobody has yet", false,
          (v, c) -> FindingFilter.acknowledged(bool(v.get(0)))));

  private FindingParameters() {}

  /**
   * The filter the query asks for. {@code others} are the endpoint's own parameters (paging,
   * format), accepted and ignored here; any other name is a {@link BadParameterException}.
   */
  public static FindingFilter filter(MultiValueMap<String, String> query, Set<String> others, Lookups lookups) {
    Map<String, Filter> byName = new java.util.HashMap<>();
    FILTERS.forEach(f -> byName.put(f.name(), f));
    FindingFilter filter = FindingFilter.all();
    for (Map.Entry<String, List<String>> e : query.entrySet()) {
      String name = e.getKey();
      if (others.contains(name)) {
        continue;
      }
      Filter f = byName.get(name);
      if (f == null) {
        throw new BadParameterException(name, "unknown parameter; filters are "
            + FILTERS.stream().map(Filter::name).toList() + ", other parameters " + others.stream().sorted().toList());
      }
      List<String> values = new ArrayList<>();
      for (String v : e.getValue()) {
        if (v == null || v.isBlank()) {
          throw new BadParameterException(name, "must not be empty");
        }
        values.add(v.trim());
      }
      if (values.size() > 1 && !f.repeatable()) {
        throw new BadParameterException(name, "give it once, got " + values.size() + " values");
      }
      try {
        filter = filter.and(f.condition().apply(values, lookups));
      } catch (BadParameterException ex) {
        throw ex;
      } catch (IllegalArgumentException ex) {
        throw new BadParameterException(name, ex.getMessage());
      }
    }
    return filter;
  }

  private static Condition status(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      // open and stale leave out waived findings: a waiver in force makes a finding an accepted risk
      case "open" -> FindingFilter.both(FindingFilter.status(io.aimsmonitor.finding.Finding.Status.OPEN),
          FindingFilter.waived(false));
      case "waived" -> FindingFilter.both(FindingFilter.status(io.aimsmonitor.finding.Finding.Status.OPEN),
          FindingFilter.waived(true));
      case "resolved" -> FindingFilter.status(io.aimsmonitor.finding.Finding.Status.RESOLVED);
      case "stale" -> FindingFilter.both(FindingFilter.openOnStaleEvidence(), FindingFilter.waived(false));
      default -> throw new IllegalArgumentException("must be open, waived, resolved or stale, got '" + value + "'");
    };
  }

  private static Set<String> aiSystemSubjects(String id, AiSystemInventory aiSystems) {
    if (aiSystems.find(id).isEmpty()) {
      throw new IllegalArgumentException("no AI system '" + id + "' (see /api/ai-systems)");
    }
    return aiSystems.subjectKeys(id);
  }

  private static List<String> controls(List<String> ids, ControlCatalog catalog) {
    Set<String> out = new LinkedHashSet<>();
    for (String id : ids) {
      if (!catalog.contains(id)) {
        throw new IllegalArgumentException("'" + id + "' is not an ISO/IEC 42001 control or clause id (see /api/controls)");
      }
      out.add(id);
    }
    return List.copyOf(out);
  }

  static Instant time(String value) {
    try {
      return value.length() == 10 ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("must be an ISO-8601 instant (2026-03-01T00:00:00Z) or date (2026-03-01), got '"
          + value + "'");
    }
  }

  private static boolean bool(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("must be true or false, got '" + value + "'");
    };
  }
}
