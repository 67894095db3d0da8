package io.aimsmonitor.connector;

import java.util.List;

/**
 * Invalid user configuration. Each problem names the file, the key and what is wrong, so that
 * {@code validate} and start-up can print them as they are.
 */
public class ConfigException extends Exception {

  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(String.join(System.lineSeparator(), problems));
    this.problems = List.copyOf(problems);
  }

  public ConfigException(String file, String key, String problem) {
    this(List.of(format(file, key, problem)));
  }

  public static String format(String file, String key, String problem) {
    return file + (key == null || key.isEmpty() ? "" : ": " + key) + ": " + problem;
  }

  public List<String> problems() {
    return problems;
  }
}
