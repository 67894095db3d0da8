package io.aimsmonitor.connector.file;

import io.aimsmonitor.connector.ConfigException;
import io.aimsmonitor.connector.Connector;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorType;
import io.aimsmonitor.fact.Attestation;
import io.aimsmonitor.fact.Dataset;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.ModelMonitor;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.PipelineRun;
import io.aimsmonitor.fact.TrainingRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code type: file}: facts from JSON, YAML or CSV files, such as inventories exported from other
 * tools and attestations kept in git.
 *
 * <pre>
 * options:
 *   paths: [inventory/, attestations/impact.yaml, classpath:demo/acme/models.yaml]
 *   provides: [ModelVersion, Attestation]   # optional; default: every fact type
 *   linkBase: https://git.example.com/aims-evidence/blob/main/   # optional evidence links
 * </pre>
 */
public final class FileConnectorType implements ConnectorType {

  private static final Map<String, Class<? extends Fact>> KINDS = Map.of(
      "ModelVersion", ModelVersion.class, "TrainingRun", TrainingRun.class, "Dataset", Dataset.class,
      "PipelineRun", PipelineRun.class, "ModelMonitor", ModelMonitor.class, "Attestation", Attestation.class);

  @Override
  public String name() {
    return "file";
  }

  @Override
  public Set<Class<? extends Fact>> provides(ConnectorConfig config) {
    Object declared = config.options().get("provides");
    if (declared instanceof List<?> list) {
      return list.stream().map(String::valueOf).filter(KINDS::containsKey).map(KINDS::get).collect(Collectors.toSet());
    }
    return Set.copyOf(KINDS.values());
  }

  @Override
  public Connector create(ConnectorConfig config) throws ConfigException {
    String file = String.valueOf(config.file());
    List<String> problems = new ArrayList<>();
    for (String key : config.options().keySet()) {
      if (!Set.of("paths", "provides", "linkBase").contains(key)) {
        problems.add(ConfigException.format(file, "options." + key, "unknown option (expected paths, provides, linkBase)"));
      }
    }
    Object paths = config.options().get("paths");
    List<String> pathList = new ArrayList<>();
    if (paths instanceof List<?> list && !list.isEmpty()) {
      list.forEach(p -> pathList.add(String.valueOf(p)));
    } else if (paths instanceof String s && !s.isBlank()) {
      pathList.add(s);
    } else {
      problems.add(ConfigException.format(file, "options.paths", "is required: a list of files or folders to read"));
    }
    Object provides = config.options().get("provides");
    if (provides instanceof List<?> list) {
      for (Object kind : list) {
        if (!KINDS.containsKey(String.valueOf(kind))) {
          problems.add(ConfigException.format(file, "options.provides", "unknown fact kind '" + kind
              + "' (one of " + String.join(", ", KINDS.keySet().stream().sorted().toList()) + ")"));
        }
      }
    } else if (provides != null) {
      problems.add(ConfigException.format(file, "options.provides", "expected a list of fact kinds"));
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new FileConnector(config, pathList, config.option("linkBase", null));
  }

  /** Every path must exist: a file or folder relative to the instance file, or a class path resource. */
  @Override
  public List<String> preflight(ConnectorConfig config) {
    Object paths = config.options().get("paths");
    List<String> locations = new ArrayList<>();
    if (paths instanceof List<?> list) {
      list.forEach(p -> locations.add(String.valueOf(p)));
    } else if (paths instanceof String s) {
      locations.add(s);
    }
    List<String> problems = new ArrayList<>();
    for (String location : locations) {
      if (location.startsWith("classpath:")) {
        if (FileConnectorType.class.getClassLoader().getResource(location.substring("classpath:".length())) == null) {
          problems.add(ConfigException.format(String.valueOf(config.file()), "options.paths",
              "class path resource " + location.substring("classpath:".length()) + " does not exist"));
        }
        continue;
      }
      java.nio.file.Path base = config.file() == null ? java.nio.file.Path.of(".") : config.file().getParent();
      java.nio.file.Path path = base.resolve(location).normalize();
      if (!java.nio.file.Files.exists(path)) {
        problems.add(ConfigException.format(String.valueOf(config.file()), "options.paths", path + " does not exist"));
      }
    }
    return problems;
  }
}
