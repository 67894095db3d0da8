package io.aimsmonitor.connector.github;

import io.aimsmonitor.connector.ConnectorException;
import io.aimsmonitor.connector.http.ApiClient;
import io.aimsmonitor.connector.registry.JsonFields;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * GitHub App authentication: a JWT (RS256, {@code iss} = app id, valid 9 minutes, issued a minute
 * in the past against clock drift) signed with the app's private key, exchanged at
 * {@code POST /app/installations/{id}/access_tokens} for an installation token (valid one hour).
 * The token is renewed five minutes before it expires, so a long run keeps working.
 *
 * <p>Hand-written rather than a JOSE library: an RS256 JWT is one JDK {@link Signature} call, and
 * the only other part is reading GitHub's PKCS#1 PEM key (see docs/libraries.md).
 */
final class GithubAppToken {

  private static final Duration RENEW_BEFORE = Duration.ofMinutes(5);

  private final GithubOptions.App app;
  private final Clock clock;
  private final String connectorId;
  private String token;
  private Instant expiresAt;

  GithubAppToken(GithubOptions.App app, Clock clock, String connectorId) {
    this.app = app;
    this.clock = clock;
    this.connectorId = connectorId;
  }

  /** The client authenticating as the installation, exchanging or renewing the token when needed. */
  synchronized ApiClient authorize(ApiClient api) throws ConnectorException, InterruptedException {
    Instant now = clock.instant();
    if (token == null || expiresAt == null || !now.isBefore(expiresAt.minus(RENEW_BEFORE))) {
      String jwt = jwt(privateKey(), now);
      JsonNode body = api.withAuthorization("Authorization", "Bearer " + jwt)
          .post("/app/installations/" + app.installationId() + "/access_tokens", Map.of());
      String fresh = JsonFields.text(body, "token");
      if (fresh == null) {
        throw new ConnectorException("malformed", "connector '" + connectorId + "': the installation token response"
            + " for GitHub App " + app.appId() + " has no token");
      }
      token = fresh;
      try {
        String at = JsonFields.text(body, "expires_at");
        expiresAt = at == null ? now.plus(Duration.ofMinutes(55)) : Instant.parse(at);
      } catch (DateTimeParseException e) {
        expiresAt = now.plus(Duration.ofMinutes(55));
      }
    }
    return api.withAuthorization("Authorization", "Bearer " + token);
  }

  String jwt(PrivateKey key, Instant now) throws ConnectorException {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String payload = b64.encodeToString(("{\"iat\":" + (now.getEpochSecond() - 60) + ",\"exp\":"
        + (now.getEpochSecond() + 540) + ",\"iss\":\"" + app.appId() + "\"}").getBytes(StandardCharsets.UTF_8));
    try {
      Signature rs256 = Signature.getInstance("SHA256withRSA");
      rs256.initSign(key);
      rs256.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
      return header + "." + payload + "." + b64.encodeToString(rs256.sign());
    } catch (GeneralSecurityException e) {
      throw new ConnectorException("config", "connector '" + connectorId + "': cannot sign the GitHub App JWT with "
          + app.privateKeyFile() + ": " + e.getMessage());
    }
  }

  PrivateKey privateKey() throws ConnectorException {
    String pem;
    try {
      pem = Files.readString(app.privateKeyFile(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new ConnectorException("auth", "connector '" + connectorId + "': cannot read the GitHub App private key "
          + app.privateKeyFile() + " (" + e.getClass().getSimpleName() + ")");
    }
    try {
      return parsePrivateKey(pem);
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      // never echo the file's content
      throw new ConnectorException("config", "connector '" + connectorId + "': " + app.privateKeyFile()
          + " is not a PEM RSA private key (BEGIN RSA PRIVATE KEY or BEGIN PRIVATE KEY)");
    }
  }

  /** An RSA key from PEM: PKCS#1 ({@code RSA PRIVATE KEY}, what GitHub hands out) or PKCS#8 ({@code PRIVATE KEY}). */
  static PrivateKey parsePrivateKey(String pem) throws GeneralSecurityException {
    boolean pkcs1 = pem.contains("BEGIN RSA PRIVATE KEY");
    if (!pkcs1 && !pem.contains("BEGIN PRIVATE KEY")) {
      throw new IllegalArgumentException("no private key block");
    }
    String base64 = pem.replaceAll("-----(BEGIN|END) (RSA )?PRIVATE KEY-----", "").replaceAll("\\s", "");
    byte[] der = Base64.getDecoder().decode(base64);
    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs1 ? pkcs8(der) : der));
  }

  /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo (version 0, rsaEncryption, NULL). */
  static byte[] pkcs8(byte[] pkcs1) {
    byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
        0x01, 0x05, 0x00};
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x02, 0x01, 0x00});
    body.writeBytes(algorithm);
    body.write(0x04);
    body.writeBytes(length(pkcs1.length));
    body.writeBytes(pkcs1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x30);
    out.writeBytes(length(body.size()));
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  private static byte[] length(int n) {
    if (n < 0x80) {
      return new byte[] {(byte) n};
    }
    if (n < 0x100) {
      return new byte[] {(byte) 0x81, (byte) n};
    }
    if (n < 0x10000) {
      return new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
    }
    return new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
  }
}
