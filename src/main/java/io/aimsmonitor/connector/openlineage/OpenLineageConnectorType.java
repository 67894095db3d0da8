package io.aimsmonitor.connector.openlineage;

import io.aimsmonitor.connector.ConfigException;
import io.aimsmonitor.connector.Connector;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorType;
import io.aimsmonitor.connector.catalog.CatalogConventions;
import io.aimsmonitor.connector.registry.Options;
import io.aimsmonitor.fact.Dataset;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.PipelineRun;
import io.aimsmonitor.fact.TrainingRun;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code type: openlineage}: lineage that Airflow, Spark, dbt, Flink (any OpenLineage producer)
 * push to {@code POST /api/v1/lineage}. The instance is the source those events belong to: its
 * API key (the {@code auth} token) says which instance an event is for, and its schedule turns
 * the stored events into facts. See docs/lineage.md.
 *
 * <pre>
 * id: lineage
 * type: openlineage
 * auth: {type: bearer, tokenEnv: OPENLINEAGE_API_KEY}   # the key producers send as "Authorization: Bearer ..."
 * schedule: "0 * * * * ?"                               # how often stored events become facts
 * options:
 *   staleAfter: 6h            # no event for this long: the source is stale (its findings stay, never resolve)
 *   window: 30d               # events older than this no longer make facts
 *   maxEventBytes: 1048576    # larger events are refused with 413
 *   trainingJobs: ["train_*"] # jobs (name or namespace/name globs) that train models: TrainingRun facts
 * </pre>
 */
public final class OpenLineageConnectorType implements ConnectorType {

  public static final String NAME = "openlineage";
  static final Duration DEFAULT_STALE_AFTER = Duration.ofHours(24);
  static final Duration DEFAULT_WINDOW = Duration.ofDays(30);
  public static final int DEFAULT_MAX_EVENT_BYTES = 1_048_576;

  /** An instance's settings, as the endpoint and the connector read them. */
  public record Settings(Duration staleAfter, Duration window, int maxEventBytes, List<String> trainingJobs,
      CatalogConventions conventions) {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<Class<? extends Fact>> provides(ConnectorConfig config) {
    return Set.of(TrainingRun.class, PipelineRun.class, Dataset.class);
  }

  @Override
  public Connector create(ConnectorConfig config) throws ConfigException {
    return new OpenLineageConnector(config, settings(config));
  }

  /** Checks and reads an instance's options; the endpoint uses this too, so both agree. */
  public static Settings settings(ConnectorConfig config) throws ConfigException {
    Options options = new Options(config, Set.of("staleAfter", "window", "maxEventBytes", "trainingJobs",
        "classificationPrefixes"));
    if (config.baseUrl() != null) {
      options.problem("baseUrl", "an openlineage source is pushed to (POST /api/v1/lineage); it has no baseUrl");
    }
    if (!"bearer".equals(config.auth().type())) {
      options.problem("auth.type", "an openlineage source needs its API key: auth: {type: bearer, tokenEnv: ...}"
          + " or tokenFile (producers send it as Authorization: Bearer <key>)");
    }
    Duration staleAfter = duration(options, config, "staleAfter", DEFAULT_STALE_AFTER);
    Duration window = duration(options, config, "window", DEFAULT_WINDOW);
    int maxEventBytes = options.integer("maxEventBytes", DEFAULT_MAX_EVENT_BYTES, 1024, 64 * 1_048_576);
    List<String> trainingJobs = options.stringList("trainingJobs");
    List<String> prefixes = options.stringList("classificationPrefixes");
    options.check();
    return new Settings(staleAfter, window, maxEventBytes, trainingJobs, new CatalogConventions(
        prefixes.isEmpty() ? CatalogConventions.DEFAULT_CLASSIFICATION_PREFIXES : prefixes, java.util.Map.of()));
  }

  /** {@code 6h}, {@code 30m}, {@code 7d} or ISO-8601 {@code PT6H}. */
  private static Duration duration(Options options, ConnectorConfig config, String key, Duration fallback) {
    String raw = options.string(key, false);
    if (raw == null) {
      return fallback;
    }
    try {
      String s = raw.trim().toLowerCase(Locale.ROOT);
      Duration d;
      if (s.matches("\\d+[smhd]")) {
        long n = Long.parseLong(s.substring(0, s.length() - 1));
        d = switch (s.charAt(s.length() - 1)) {
          case 's' -> Duration.ofSeconds(n);
          case 'm' -> Duration.ofMinutes(n);
          case 'h' -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
      } else {
        d = Duration.parse(raw.trim().toUpperCase(Locale.ROOT));
      }
      if (d.isNegative() || d.isZero()) {
        throw new DateTimeParseException("not positive", raw, 0);
      }
      return d;
    } catch (DateTimeParseException | NumberFormatException e) {
      options.problem("options." + key, "expected a positive duration such as 6h, 30m, 7d or PT6H, got '" + raw + "'");
      return fallback;
    }
  }
}
