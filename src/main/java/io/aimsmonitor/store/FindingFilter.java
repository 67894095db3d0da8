package io.aimsmonitor.store;

import io.aimsmonitor.finding.Finding.Status;
import io.aimsmonitor.rules.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which findings a page, count or export covers: a conjunction of conditions over the finding row
 * (SQL alias {@code f}). Each kind of condition is one factory method here, and the API maps each
 * query parameter to one of them, so a new filter (a workflow state, an assignee, an AI system) is
 * one method here and one line in the API's parameter table. Immutable.
 *
 * @param conditions SQL boolean expressions over {@code f} with their named parameters
 */
public record FindingFilter(List<Condition> conditions) {

  private static final Pattern PARAM = Pattern.compile("(?<!:):([A-Za-z_][A-Za-z0-9_]*)");

  /**
   * One SQL condition over {@code f} and the values of its {@code :named} parameters.
   *
   * @param fixed columns of {@code f} that the condition holds to one value (an equality), which
   *     may then lead a sort order without changing it ({@link FindingSort#orderBy(FindingFilter)})
   */
  public record Condition(String sql, Map<String, Object> params, Set<String> fixed) {
    public Condition {
      params = Map.copyOf(params);
      fixed = Set.copyOf(fixed);
    }

    public Condition(String sql, Map<String, Object> params) {
      this(sql, params, Set.of());
    }
  }

  public FindingFilter {
    conditions = List.copyOf(conditions);
  }

  public static FindingFilter all() {
    return new FindingFilter(List.of());
  }

  public FindingFilter and(Condition condition) {
    List<Condition> out = new ArrayList<>(conditions);
    out.add(condition);
    return new FindingFilter(out);
  }

  /**
   * The {@code WHERE} clause (empty when nothing filters) with parameter names made unique per
   * condition, so the same kind of condition may appear twice.
   */
  /** Whether some condition holds {@code column} (e.g. {@code f.status}) to one value. */
  boolean fixes(String column) {
    return conditions.stream().anyMatch(c -> c.fixed().contains(column));
  }

  String where(Map<String, Object> params) {
    if (conditions.isEmpty()) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < conditions.size(); i++) {
      Condition c = conditions.get(i);
      String prefix = "c" + i + "_";
      Matcher m = PARAM.matcher(c.sql());
      parts.add("(" + m.replaceAll(r -> ":" + prefix + r.group(1)) + ")");
      c.params().forEach((name, value) -> params.put(prefix + name, value));
    }
    return " WHERE " + String.join(" AND ", parts);
  }

  // --- the conditions -------------------------------------------------------------------------

  /** Computed status: open or resolved. */
  public static Condition status(Status status) {
    return new Condition("f.status = :status", Map.of("status", status.name()), Set.of("f.status"));
  }

  /** Open, on evidence that could not be refreshed: what {@code status=stale} means. */
  public static Condition openOnStaleEvidence() {
    return new Condition("f.status = :status AND f.stale = :stale", Map.of("status", Status.OPEN.name(), "stale", true),
        Set.of("f.status", "f.stale"));
  }

  /** Open on evidence that could not be refreshed (or not). */
  public static Condition stale(boolean stale) {
    return new Condition("f.stale = :stale", Map.of("stale", stale));
  }

  /** This severity or a more severe one. */
  public static Condition severityAtLeast(Severity min) {
    return new Condition("f.severity_rank >= :rank", Map.of("rank", min.ordinal()));
  }

  /** Exactly one of these severities. */
  public static Condition severityIn(Collection<Severity> severities) {
    return new Condition("f.severity_rank IN (:ranks)",
        Map.of("ranks", severities.stream().map(Severity::ordinal).distinct().toList()));
  }

  /** Cites one of these ISO 42001 control or clause ids. */
  public static Condition controls(Collection<String> controlIds) {
    return new Condition("EXISTS (SELECT 1 FROM finding_control fc WHERE fc.finding_id = f.id AND fc.control_id IN (:ids))",
        Map.of("ids", List.copyOf(controlIds)));
  }

  public static Condition rules(Collection<String> ruleIds) {
    return new Condition("f.rule_id IN (:ids)", Map.of("ids", List.copyOf(ruleIds)));
  }

  public static Condition packs(Collection<String> packs) {
    return new Condition("f.pack IN (:names)", Map.of("names", List.copyOf(packs)));
  }

  /** Decided on facts of one of these connector instances. */
  public static Condition sources(Collection<String> connectorIds) {
    return new Condition("f.source IN (:ids)", Map.of("ids", List.copyOf(connectorIds)));
  }

  /** The subject's source names one of these accountable owners (exact, case-insensitive). */
  public static Condition owners(Collection<String> owners) {
    return new Condition("EXISTS (SELECT 1 FROM finding_owner fo WHERE fo.finding_id = f.id AND LOWER(fo.owner) IN (:owners))",
        Map.of("owners", owners.stream().map(o -> o.toLowerCase(Locale.ROOT)).distinct().toList()));
  }

  /** The words appear (case-insensitive, as a substring) in the message, title, subject name or key. */
  public static Condition text(String text) {
    String like = "%" + text.toLowerCase(Locale.ROOT).replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
    return new Condition("LOWER(f.message) LIKE :text ESCAPE '!' OR LOWER(f.title) LIKE :text ESCAPE '!'"
        + " OR LOWER(f.subject_key) LIKE :text ESCAPE '!' OR LOWER(f.subject_name) LIKE :text ESCAPE '!'",
        Map.of("text", like));
  }

  /** First seen at or after this time. */
  public static Condition firstSeenFrom(Instant from) {
    return new Condition("f.first_seen >= :from", Map.of("from", SnapshotRepository.utc(from)));
  }

  /** First seen before this time. */
  public static Condition firstSeenBefore(Instant before) {
    return new Condition("f.first_seen < :before", Map.of("before", SnapshotRepository.utc(before)));
  }

  /** Both conditions (their parameter names must differ). */
  public static Condition both(Condition a, Condition b) {
    Map<String, Object> params = new java.util.HashMap<>(a.params());
    params.putAll(b.params());
    Set<String> fixed = new java.util.HashSet<>(a.fixed());
    fixed.addAll(b.fixed());
    return new Condition("(" + a.sql() + ") AND (" + b.sql() + ")", params, fixed);
  }

  /**
   * Covered by a waiver in force ({@code true}: what {@code status=waived} means) or not ({@code false}:
   * what {@code open} means beside it).
   */
  public static Condition waived(boolean waived) {
    return new Condition((waived ? "" : "NOT ") + FindingRepository.WAIVED, Map.of());
  }

  /** About one of these subjects (an AI system's, for example); none: nothing matches. */
  public static Condition subjectKeys(Collection<String> subjectKeys) {
    if (subjectKeys.isEmpty()) {
      return new Condition("1 = 0", Map.of());
    }
    // an AI system has tens to hundreds of subjects: one bound list each is fine for H2 and PostgreSQL
    return new Condition("f.subject_key IN (:subjects)", Map.of("subjects", List.copyOf(subjectKeys)));
  }

  /** Assigned to this person or team in the review workflow. */
  public static Condition assignee(String assignee) {
    return new Condition("EXISTS (SELECT 1 FROM finding_workflow fa WHERE fa.finding_id = f.id AND fa.assignee = :assignee)",
        Map.of("assignee", assignee));
  }

  /** Acknowledged (true) or not yet acknowledged (false) by a reviewer: the workflow state beside waived. */
  public static Condition acknowledged(boolean acknowledged) {
    return new Condition((acknowledged ? "" : "NOT ") + "EXISTS (SELECT 1 FROM finding_workflow fk WHERE"
        + " fk.finding_id = f.id AND fk.acknowledged_at IS NOT NULL)", Map.of());
  }

  /** The filter of the older {@link FindingRepository.Query}. */
  static FindingFilter of(FindingRepository.Query q) {
    FindingFilter f = all();
    if (q.status() != null) {
      f = f.and(status(q.status()));
    }
    if (q.stale() != null) {
      f = f.and(stale(q.stale()));
    }
    if (q.minSeverity() != null) {
      f = f.and(severityAtLeast(q.minSeverity()));
    }
    if (q.control() != null) {
      f = f.and(controls(List.of(q.control())));
    }
    if (q.ruleId() != null) {
      f = f.and(rules(List.of(q.ruleId())));
    }
    if (q.pack() != null) {
      f = f.and(packs(List.of(q.pack())));
    }
    if (q.waived() != null) {
      f = f.and(waived(q.waived()));
    }
    if (q.subjectKeys() != null) {
      f = f.and(subjectKeys(q.subjectKeys()));
    }
    if (q.assignee() != null) {
      f = f.and(assignee(q.assignee()));
    }
    return f;
  }
}
