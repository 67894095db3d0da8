package io.aimsmonitor.connector.http;

import io.aimsmonitor.connector.ConnectorConfig.SecretRef;
import io.aimsmonitor.connector.ConnectorException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;

/**
 * Reads a secret from the environment or a mounted file (Kubernetes secret). Messages name the
 * variable or file, never the value, and name even those only through {@link SecretRef#toString()},
 * which masks a "name" that is really a pasted credential.
 */
public final class Secrets {

  private final Map<String, String> environment;

  public Secrets(Map<String, String> environment) {
    this.environment = environment;
  }

  public static Secrets fromSystem() {
    return new Secrets(System.getenv());
  }

  public String read(String connectorId, SecretRef ref) throws ConnectorException {
    if (ref.env() != null) {
      String value = environment.get(ref.env());
      if (value == null || value.isBlank()) {
        throw new ConnectorException("auth", "connector '" + connectorId + "': environment variable "
            + ref.toString().substring("env:".length()) + " is not set");
      }
      return value.trim();
    }
    try {
      return Files.readString(ref.file(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new ConnectorException("auth", "connector '" + connectorId + "': cannot read secret file "
          + ref.toString().substring("file:".length()) + " (" + e.getClass().getSimpleName() + ")");
    }
  }
}
