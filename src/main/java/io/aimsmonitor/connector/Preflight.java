package io.aimsmonitor.connector;

import io.aimsmonitor.connector.ConnectorConfig.SecretRef;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What would make an enabled instance's run fail in this environment, found without contacting
 * any system: a credential environment variable that is not set, a secret or CA file that cannot
 * be read, and the type's own checks ({@link ConnectorType#preflight}, such as a file connector
 * path that does not exist). {@code validate} runs it so that it finds what {@code scan} would fail on.
 * Messages name the file and key, never a secret's value.
 */
public final class Preflight {

  private static final java.util.regex.Pattern ENV_NAME = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final ConnectorTypes types;
  private final Map<String, String> environment;

  public Preflight(ConnectorTypes types, Map<String, String> environment) {
    this.types = types;
    this.environment = Map.copyOf(environment);
  }

  /** The problems of {@code config}; none for a disabled instance, which no run reads. */
  public List<String> check(ConnectorConfig config) {
    List<String> problems = new ArrayList<>();
    if (!config.enabled()) {
      return problems;
    }
    String file = String.valueOf(config.file());
    secret(file, "auth.tokenEnv", "auth.tokenFile", config.auth().token(), problems);
    secret(file, "auth.passwordEnv", "auth.passwordFile", config.auth().password(), problems);
    if (config.http().caBundle() != null && !Files.isReadable(config.http().caBundle())) {
      problems.add(ConfigException.format(file, "http.caBundle", config.http().caBundle() + " does not exist or is not"
          + " readable"));
    }
    types.find(config.type()).ifPresent(type -> problems.addAll(type.preflight(config)));
    return problems;
  }

  private void secret(String file, String envKey, String fileKey, SecretRef ref, List<String> problems) {
    if (ref == null) {
      return;
    }
    if (ref.env() != null) {
      if (!ENV_NAME.matcher(ref.env()).matches()) {
        // never echo it: a value pasted here may be the credential itself
        problems.add(ConfigException.format(file, envKey, "is not an environment variable name (letters, digits, _)"));
        return;
      }
      String value = environment.get(ref.env());
      if (value == null || value.isBlank()) {
        problems.add(ConfigException.format(file, envKey, "environment variable " + ref.env() + " is not set"));
      }
    } else if (ref.file() != null && !Files.isReadable(ref.file())) {
      problems.add(ConfigException.format(file, fileKey, ref.file() + " does not exist or is not readable"));
    }
  }
}
