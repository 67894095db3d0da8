package io.aimsmonitor.rules;

import io.aimsmonitor.fact.Attestation;
import io.aimsmonitor.fact.Dataset;
import io.aimsmonitor.fact.Dataset.Acquisition;
import io.aimsmonitor.fact.Dataset.QualityCheck;
import io.aimsmonitor.fact.ModelMonitor;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.ModelVersion.ModelCard;
import io.aimsmonitor.fact.PipelineRun;
import io.aimsmonitor.fact.TrainingRun;
import io.aimsmonitor.fact.TrainingRun.DatasetInput;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Null-safe helpers for DRL conditions and messages, imported by a pack with
 * {@code import function io.aimsmonitor.rules.RuleFunctions.*;}. Facts may have null fields
 * (a connector reports what its source knows); putting the null handling here keeps the rules
 * short and makes "missing" and "empty" mean the same everywhere. Every function is pure.
 */
public final class RuleFunctions {

  private static final Pattern SHA = Pattern.compile("[0-9a-fA-F]{7,64}");
  private static final Set<String> OFF = Set.of("", "false", "off", "no", "none", "disabled");
  /**
   * Compiled globs by their text. Rules call {@link #glob} once per fact and condition, and
   * compiling took 28% of rule time at 100k model versions (issue #14); packs name a handful of
   * globs, so the cache stays small, but it is bounded anyway because a glob may come from data.
   */
  static final int GLOB_CACHE_SIZE = 1024;
  private static final Map<String, Glob> GLOBS = new java.util.concurrent.ConcurrentHashMap<>();

  private RuleFunctions() {}

  // ---- text and collections

  /** True when {@code s} is null, empty or only white space. */
  public static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  /** True when no element of {@code values} is a non-blank string: null, [] and [""] are all empty. */
  public static boolean empty(Collection<String> values) {
    if (values == null) {
      return true;
    }
    for (String value : values) { // loops, not streams, in the helpers of conditions: they run on every insert and update
      if (!blank(value)) {
        return false;
      }
    }
    return true;
  }

  /** Case-insensitive membership, for parameter lists such as approval statuses and licences. */
  public static boolean containsIgnoreCase(Collection<?> values, String value) {
    if (value == null || values == null) {
      return false;
    }
    String wanted = value.trim();
    for (Object v : values) {
      if (v != null && String.valueOf(v).trim().equalsIgnoreCase(wanted)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Null-safe equality ignoring case and surrounding blanks: {@code is(tag("aims.fairness"), "not-applicable")}.
   * (Write such comparisons through a function: Drools compiles constraints to bytecode once they
   * ran often, and that compiler mishandles calls such as {@code List.of(..)} or a method on a
   * string literal.)
   */
  public static boolean is(String value, String expected) {
    return value != null && expected != null && value.trim().equalsIgnoreCase(expected.trim());
  }

  /**
   * True when a key of any of {@code maps} matches one of {@code globs} ({@code *} for any run of
   * characters, case-insensitive), e.g. {@code *image*} matches {@code docker_image}.
   */
  @SafeVarargs
  public static boolean anyKeyMatches(Collection<?> globs, Map<String, ?>... maps) {
    List<Glob> compiled = globs(globs);
    for (Map<String, ?> map : maps) {
      if (map != null) {
        for (String key : map.keySet()) {
          if (matchesAny(compiled, key)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** The keys of {@code maps} that match one of {@code globs}, in order and without repeats. */
  @SafeVarargs
  public static List<String> matchingKeys(Collection<?> globs, Map<String, ?>... maps) {
    List<String> out = new ArrayList<>();
    addMatchingKeys(globs(globs), out, maps);
    return out;
  }

  // Plain loops, no streams: documentation rules test every tag, param and run tag of a production
  // version against a dozen globs, and with a stream and a regex Matcher per key and glob they were
  // 44% of what the rules allocated on a 1% update (issue #14).
  @SafeVarargs
  private static void addMatchingKeys(List<Glob> globs, List<String> out, Map<String, ?>... maps) {
    for (Map<String, ?> map : maps) {
      if (map == null) {
        continue;
      }
      for (String key : map.keySet()) {
        if (!out.contains(key) && matchesAny(globs, key)) {
          out.add(key);
        }
      }
    }
  }

  private static List<Glob> globs(Collection<?> globs) {
    if (globs == null) {
      return List.of();
    }
    List<Glob> out = new ArrayList<>(globs.size());
    for (Object g : globs) {
      out.add(compiledGlob(String.valueOf(g)));
    }
    return out;
  }

  private static boolean matchesAny(List<Glob> globs, String key) {
    for (Glob g : globs) {
      if (g.matches(key)) {
        return true;
      }
    }
    return false;
  }

  /** A case-insensitive pattern for a glob with {@code *} and {@code ?}; compiled once per glob text. */
  public static Pattern glob(String glob) {
    return compiledGlob(glob).regex();
  }

  private static Glob compiledGlob(String glob) {
    Glob cached = GLOBS.get(glob);
    if (cached != null) {
      return cached;
    }
    if (GLOBS.size() >= GLOB_CACHE_SIZE) {
      // a flood of distinct globs (from data, not packs): start over rather than grow without bound
      GLOBS.clear();
    }
    Glob compiled = Glob.of(glob);
    GLOBS.put(glob, compiled);
    return compiled;
  }

  /** The number of compiled globs held, for tests. */
  static int cachedGlobs() {
    return GLOBS.size();
  }

  /**
   * A glob, matched without allocating: {@link #regex} defines what matches (the glob trimmed,
   * {@code *} as {@code .*}, {@code ?} as {@code .}, everything else literal, ASCII letters in any
   * case), and {@link #matches} decides the same by walking the code points, because a regex
   * {@link java.util.regex.Matcher} per key and glob was most of what the documentation rules
   * allocated. A text with a line terminator (which the regex's {@code .} does not match) and a
   * glob with a character outside the BMP (quoted half by half, so the regex never matches it)
   * are left to the regex.
   */
  record Glob(int[] codePoints, Pattern regex, boolean walkable) {

    static Glob of(String glob) {
      String trimmed = glob.trim();
      StringBuilder regex = new StringBuilder();
      for (char c : trimmed.toCharArray()) {
        switch (c) {
          case '*' -> regex.append(".*");
          case '?' -> regex.append('.');
          default -> regex.append(Pattern.quote(String.valueOf(c)));
        }
      }
      return new Glob(trimmed.codePoints().toArray(), Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE),
          trimmed.codePointCount(0, trimmed.length()) == trimmed.length());
    }

    boolean matches(String text) {
      if (!walkable) {
        return regex.matcher(text).matches();
      }
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
          return regex.matcher(text).matches();
        }
      }
      // the usual wildcard walk: on a mismatch, let the last '*' take one more code point
      int g = 0;
      int t = 0;
      int star = -1;
      int starText = 0;
      while (t < text.length()) {
        int cp = text.codePointAt(t);
        if (g < codePoints.length && (codePoints[g] == '?' || (codePoints[g] != '*' && sameIgnoringAsciiCase(codePoints[g], cp)))) {
          g++;
          t += Character.charCount(cp);
        } else if (g < codePoints.length && codePoints[g] == '*') {
          star = g++;
          starText = t;
        } else if (star >= 0) {
          g = star + 1;
          starText += Character.charCount(text.codePointAt(starText));
          t = starText;
        } else {
          return false;
        }
      }
      while (g < codePoints.length && codePoints[g] == '*') {
        g++;
      }
      return g == codePoints.length;
    }

    private static boolean sameIgnoringAsciiCase(int a, int b) {
      return a == b || (a < 128 && b < 128 && Character.isLetter(a) && Character.toLowerCase(a) == Character.toLowerCase(b));
    }
  }

  /** The items as sorted strings: collected sets have no stable order, but messages and evidence must. */
  public static List<String> sorted(Collection<?> items) {
    return items == null ? List.of() : items.stream().map(String::valueOf).sorted().toList();
  }

  /** The items sorted and joined with ", ", for messages. */
  public static String joined(Collection<?> items) {
    return String.join(", ", sorted(items));
  }

  /** "production model a v1" or "production models a v1, b v2", for messages about shared data. */
  public static String productionModels(Collection<?> names) {
    return "production model" + (names.size() == 1 ? " " : "s ") + joined(names);
  }

  /** True when {@code s} looks like a commit hash (7 to 64 hex digits), i.e. an immutable revision. */
  public static boolean isSha(String s) {
    return s != null && SHA.matcher(s.trim()).matches();
  }

  // ---- time

  /** True when {@code t} is unknown or earlier than {@code days} days before {@code now}. */
  public static boolean olderThanDays(Instant t, Instant now, int days) {
    return t == null || t.isBefore(now.minus(Duration.ofDays(days)));
  }

  /** True when {@code t} is known and no earlier than {@code days} days before {@code now}. */
  public static boolean withinDays(Instant t, Instant now, int days) {
    return !olderThanDays(t, now, days);
  }

  /** True when {@code t} is unknown or earlier than {@code months} calendar months before {@code now} (UTC). */
  public static boolean olderThanMonths(Instant t, Instant now, int months) {
    return t == null || t.isBefore(now.atZone(ZoneOffset.UTC).minusMonths(months).toInstant());
  }

  /** The date part of {@code t} in UTC, for messages; "an unknown date" when null. */
  public static String day(Instant t) {
    return t == null ? "an unknown date" : LocalDate.ofInstant(t, ZoneOffset.UTC).toString();
  }

  /** The later of two instants, either of which may be null. */
  public static Instant latest(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isAfter(b) ? a : b;
  }

  // ---- model versions

  /** "Model churn-predictor v4": how messages name a model version. */
  public static String model(ModelVersion m) {
    return "Model " + m.modelName() + " v" + m.version();
  }

  /**
   * When the version reached production: {@code promotedAt}, else {@code updatedAt} (registries
   * without a transition history); null when neither is known.
   */
  public static Instant promotedAt(ModelVersion m) {
    return m.promotedAt() != null ? m.promotedAt() : m.updatedAt();
  }

  /**
   * The version's last significant change, which impact and risk assessments must postdate: its
   * registration ({@code createdAt}), else its promotion. A new version is the change; tags and
   * stage moves are not. Assessments normally gate the promotion, so they fall between the two.
   */
  public static Instant changedAt(ModelVersion m) {
    return m.createdAt() != null ? m.createdAt() : promotedAt(m);
  }

  /** The commit the version was trained from: its own, else the first of its runs that records one. */
  public static String commitOf(ModelVersion m, Collection<?> runs) {
    if (!blank(m.sourceGitCommit())) {
      return m.sourceGitCommit().trim();
    }
    for (TrainingRun r : runs(runs)) {
      if (!blank(r.gitCommit())) {
        return r.gitCommit().trim();
      }
    }
    return null;
  }

  /**
   * The key that joins the version's commit ({@link #commitOf}) to pipeline runs with {@code ==}:
   * its {@link PipelineRun#prefixOf prefix}, which every run {@link PipelineRun#isForCommit} accepts
   * shares. Never null (a rule binds it with {@code from}): a version without a commit of 7+
   * characters gets {@code ""}, which no run's {@link PipelineRun#getCommitPrefix} equals.
   */
  public static String commitPrefixOf(ModelVersion m, Collection<?> runs) {
    String prefix = PipelineRun.prefixOf(commitOf(m, runs));
    return prefix == null ? "" : prefix;
  }

  /** True when the version has a model card with at least one non-blank section or a link. */
  public static boolean hasCard(ModelCard card) {
    return card != null && !(blank(card.intendedUse()) && blank(card.limitations()) && blank(card.metrics())
        && blank(card.trainingData()) && blank(card.url()));
  }

  /** Required model card sections (A.6.2.7) that are missing or blank; all four when there is no card. */
  public static List<String> missingCardSections(ModelCard card) {
    List<String> out = new ArrayList<>();
    if (card == null || blank(card.intendedUse())) {
      out.add("intended use");
    }
    if (card == null || blank(card.limitations())) {
      out.add("limitations");
    }
    if (card == null || blank(card.metrics())) {
      out.add("metrics");
    }
    if (card == null || blank(card.trainingData())) {
      out.add("training data");
    }
    return out;
  }

  /** One card section by record component name, null when there is no card. */
  public static String cardSection(ModelCard card, String section) {
    if (card == null) {
      return null;
    }
    return switch (section) {
      case "intendedUse" -> card.intendedUse();
      case "limitations" -> card.limitations();
      case "metrics" -> card.metrics();
      case "trainingData" -> card.trainingData();
      case "url" -> card.url();
      default -> throw new IllegalArgumentException("no model card section '" + section + "'");
    };
  }

  /** The declared intended use: the card's section, else the {@code aims.intended-use} tag. */
  public static String intendedUse(ModelVersion m) {
    String fromCard = cardSection(m.card(), "intendedUse");
    return !blank(fromCard) ? fromCard : m.tag("aims.intended-use");
  }

  /** True when a tag value switches something on: any value except blank, false, off, no, none, disabled. */
  public static boolean enabled(String tagValue) {
    return tagValue != null && !OFF.contains(tagValue.trim().toLowerCase(Locale.ROOT));
  }

  // ---- third-party models

  /** True for a third-party or foundation model: one from the Hugging Face Hub, or one with supplier data. */
  public static boolean thirdParty(ModelVersion m) {
    return m.supplier() != null || "huggingface".equalsIgnoreCase(m.registry());
  }

  public static String supplierName(ModelVersion m) {
    return m.supplier() == null ? null : m.supplier().supplier();
  }

  public static String license(ModelVersion m) {
    return m.supplier() == null ? null : m.supplier().license();
  }

  /**
   * The revision the organisation pinned. The Hugging Face connector records the revision it was
   * configured to read in the {@code huggingface.pinnedRevision} tag and, without one, follows the
   * default branch (not pinned, whatever commit it happened to read); other registries carry the
   * pin in {@code supplier.revision}.
   */
  public static String pinnedRevision(ModelVersion m) {
    String pinned = m.tag("huggingface.pinnedRevision");
    if (pinned != null) {
      return pinned;
    }
    if ("huggingface".equalsIgnoreCase(m.registry())) {
      return null;
    }
    return m.supplier() == null ? null : m.supplier().revision();
  }

  // ---- runs, pipelines and thresholds

  /** Successful pipeline runs that finished no later than {@code t} (any, when {@code t} is null). */
  public static boolean anyFinishedBy(Collection<?> pipelineRuns, Instant t) {
    return pipelines(pipelineRuns).stream()
        .anyMatch(p -> t == null || (p.finishedAt() != null && !p.finishedAt().isAfter(t)));
  }

  /** The earliest finish among pipeline runs, null when none records one. */
  public static Instant firstFinished(Collection<?> pipelineRuns) {
    return pipelines(pipelineRuns).stream().map(PipelineRun::finishedAt).filter(Objects::nonNull)
        .min(Instant::compareTo).orElse(null);
  }

  /** The latest validation evidence: a successful pipeline run's finish or a training run's end. */
  public static Instant lastValidated(Collection<?> pipelineRuns, Collection<?> trainingRuns) {
    Instant last = null;
    for (PipelineRun p : pipelines(pipelineRuns)) {
      last = latest(last, p.finishedAt());
    }
    for (TrainingRun r : runs(trainingRuns)) {
      last = latest(last, r.endedAt());
    }
    return last;
  }

  /**
   * Acceptance thresholds declared for the version, by metric: keys {@code <prefix><metric>} in the
   * version's tags, else its runs' params, else their tags. Values are {@code >=0.85}, {@code >0.8},
   * {@code <=0.05}, {@code <0.1}, or a bare number meaning a minimum.
   */
  public static Map<String, String> declaredThresholds(ModelVersion m, Collection<?> runs, String prefix) {
    Map<String, String> out = new LinkedHashMap<>();
    collectThresholds(m.tags(), prefix, out);
    for (TrainingRun r : runs(runs)) {
      collectThresholds(r.params(), prefix, out);
      collectThresholds(r.tags(), prefix, out);
    }
    return out;
  }

  /** Declared thresholds the runs' metrics do not meet, as "auc 0.81 (needs >=0.85)" or "auc not measured". */
  public static List<String> unmetThresholds(ModelVersion m, Collection<?> runs, String prefix) {
    List<String> out = new ArrayList<>();
    declaredThresholds(m, runs, prefix).forEach((metric, spec) -> {
      Double value = runs(runs).stream().map(r -> r.metrics().get(metric)).filter(Objects::nonNull).findFirst()
          .orElse(null);
      String s = spec.trim();
      String op = s.startsWith(">=") || s.startsWith("<=") ? s.substring(0, 2)
          : s.startsWith(">") || s.startsWith("<") ? s.substring(0, 1) : ">=";
      double bound;
      try {
        bound = Double.parseDouble(s.substring(s.startsWith(op) ? op.length() : 0).trim());
      } catch (NumberFormatException e) {
        out.add(metric + " has an unreadable threshold '" + spec + "'");
        return;
      }
      if (value == null) {
        out.add(metric + " not measured (needs " + op + bound + ")");
        return;
      }
      boolean met = switch (op) {
        case ">=" -> value >= bound;
        case ">" -> value > bound;
        case "<=" -> value <= bound;
        default -> value < bound;
      };
      if (!met) {
        out.add(metric + " " + value + " (needs " + op + bound + ")");
      }
    });
    return out;
  }

  private static void collectThresholds(Map<String, String> values, String prefix, Map<String, String> out) {
    if (values == null || blank(prefix)) {
      return;
    }
    values.forEach((key, value) -> {
      if (key.startsWith(prefix) && key.length() > prefix.length() && value != null) {
        out.putIfAbsent(key.substring(prefix.length()), value);
      }
    });
  }

  /** True when a metric of one of the runs matches one of the globs. */
  public static boolean anyRunMetricMatches(Collection<?> runs, Collection<?> globs) {
    for (TrainingRun r : runs(runs)) {
      if (anyKeyMatches(globs, r.metrics())) {
        return true;
      }
    }
    return false;
  }

  /** Keys of the version's tags and its runs' params and tags that match one of the globs. */
  public static List<String> recordedKeys(ModelVersion m, Collection<?> runs, Collection<?> globs) {
    List<Glob> compiled = globs(globs);
    List<String> out = new ArrayList<>();
    addMatchingKeys(compiled, out, m.tags());
    for (TrainingRun r : runs(runs)) {
      addMatchingKeys(compiled, out, r.params(), r.tags());
    }
    return out;
  }

  // ---- datasets

  /** Input dataset names of a run, without blanks. */
  public static List<String> inputNames(TrainingRun run) {
    List<String> out = new ArrayList<>(run.inputDatasets().size());
    for (DatasetInput input : run.inputDatasets()) {
      if (!blank(input.name()) && !out.contains(input.name())) {
        out.add(input.name());
      }
    }
    return List.copyOf(out);
  }

  /** True when the run read the dataset (by qualified or plain name, see {@link Dataset#isNamed}). */
  public static boolean reads(TrainingRun run, Dataset dataset) {
    for (DatasetInput input : run.inputDatasets()) {
      if (dataset.isNamed(input.name())) {
        return true;
      }
    }
    return false;
  }

  /** Named inputs of a run that record no digest (content hash or version). */
  public static List<String> undigested(TrainingRun run) {
    List<String> out = new ArrayList<>(run.inputDatasets().size());
    for (DatasetInput input : run.inputDatasets()) {
      if (!blank(input.name()) && blank(input.digest()) && !out.contains(input.name())) {
        out.add(input.name());
      }
    }
    return List.copyOf(out);
  }

  /** Required acquisition fields (origin, license, legalBasis, acquiredAt) that are missing. */
  public static List<String> missingAcquisition(Acquisition a, Collection<?> required) {
    List<String> out = new ArrayList<>();
    for (Object field : required == null ? List.of() : required) {
      String name = String.valueOf(field).trim();
      boolean missing = switch (name) {
        case "origin" -> a == null || blank(a.origin());
        case "license" -> a == null || blank(a.license());
        case "legalBasis" -> a == null || blank(a.legalBasis());
        case "acquiredAt" -> a == null || a.acquiredAt() == null;
        default -> throw new IllegalArgumentException("unknown acquisition field '" + name
            + "' (origin, license, legalBasis, acquiredAt)");
      };
      if (missing) {
        out.add(name);
      }
    }
    return out;
  }

  /** Names of checks whose last result was not a pass (including checks that never ran). */
  public static List<String> failingChecks(List<QualityCheck> checks) {
    List<String> out = new ArrayList<>();
    for (QualityCheck c : checks) {
      if (!c.passed()) {
        out.add(c.name() == null ? "(unnamed)" : c.name());
      }
    }
    return List.copyOf(out);
  }

  /** Names of checks that did not run within {@code days} days of {@code now}. */
  public static List<String> staleChecks(List<QualityCheck> checks, Instant now, int days) {
    List<String> out = new ArrayList<>();
    for (QualityCheck c : checks) {
      if (olderThanDays(c.lastRunAt(), now, days)) {
        out.add(c.name() == null ? "(unnamed)" : c.name());
      }
    }
    return List.copyOf(out);
  }

  // ---- monitors and attestations

  /** True when one of the monitors produced a result within {@code days} days. */
  public static boolean anyEvaluatedWithin(Collection<?> monitors, Instant now, int days) {
    return monitors.stream().filter(ModelMonitor.class::isInstance).map(ModelMonitor.class::cast)
        .anyMatch(mon -> withinDays(mon.lastEvaluatedAt(), now, days));
  }

  /** The latest result time among the monitors, null when none was ever evaluated. */
  public static Instant lastEvaluated(Collection<?> monitors) {
    return monitors.stream().filter(ModelMonitor.class::isInstance).map(ModelMonitor.class::cast)
        .map(ModelMonitor::lastEvaluatedAt).filter(Objects::nonNull).max(Instant::compareTo).orElse(null);
  }

  /** True when {@code a} is approved and has not lapsed ({@code validUntil} null or after {@code now}). */
  public static boolean inForce(Attestation a, Instant now) {
    return a.isApproved() && (a.validUntil() == null || a.validUntil().isAfter(now));
  }

  /** True when one of the assessments is in force and was approved after the version's last significant change. */
  public static boolean anyCovers(Collection<?> assessments, ModelVersion m, Instant now) {
    Instant changed = changedAt(m);
    return attestations(assessments).stream()
        .anyMatch(a -> inForce(a, now) && (changed == null || !a.approvedAt().isBefore(changed)));
  }

  /** Why the newest of the assessments does not cover the version, as a clause for a message. */
  public static String assessmentGap(Collection<?> assessments, ModelVersion m, Instant now) {
    Attestation newest = attestations(assessments).stream().filter(Attestation::isApproved)
        .max((a, b) -> a.approvedAt().compareTo(b.approvedAt())).orElse(null);
    if (newest == null) {
      return "none is approved";
    }
    if (newest.validUntil() != null && !newest.validUntil().isAfter(now)) {
      return "the latest, approved on " + day(newest.approvedAt()) + ", expired on " + day(newest.validUntil());
    }
    return "the latest, approved on " + day(newest.approvedAt()) + ", predates the version (registered "
        + day(changedAt(m)) + ")";
  }

  // ---- casts of collected lists (Drools hands collect/accumulate results over as raw lists)

  private static List<TrainingRun> runs(Collection<?> items) {
    return only(TrainingRun.class, items);
  }

  private static List<PipelineRun> pipelines(Collection<?> items) {
    return only(PipelineRun.class, items);
  }

  private static List<Attestation> attestations(Collection<?> items) {
    return only(Attestation.class, items);
  }

  /** The items of a type, by a loop: these run in constraints on every update of a joined fact. */
  private static <T> List<T> only(Class<T> type, Collection<?> items) {
    if (items == null || items.isEmpty()) {
      return List.of();
    }
    List<T> out = new ArrayList<>(items.size());
    for (Object item : items) {
      if (type.isInstance(item)) {
        out.add(type.cast(item));
      }
    }
    return out;
  }
}
