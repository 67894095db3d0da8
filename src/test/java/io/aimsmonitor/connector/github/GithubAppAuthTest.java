package io.aimsmonitor.connector.github;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.aimsmonitor.connector.registry.RegistryTestSupport.CLOCK;
import static io.aimsmonitor.connector.registry.RegistryTestSupport.NOW;
import static io.aimsmonitor.connector.registry.RegistryTestSupport.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.aimsmonitor.connector.ConfigException;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorConfig.AuthConfig;
import io.aimsmonitor.connector.ConnectorException;
import io.aimsmonitor.connector.ci.CiTestRig;
import io.aimsmonitor.connector.registry.RegistryTestSupport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * GitHub App auth with a key generated for the test (no key material in the repository): the
 * connector signs a JWT, exchanges it for an installation token, and reads runs with that token.
 */
class GithubAppAuthTest {

  private static final String INSTALLATION_TOKEN = "ghs_installationToken0123456789abcdef";

  @RegisterExtension
  static WireMockExtension server = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final KeyPair KEYS = generate();

  private static KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The key as PEM, built at run time: PKCS#8 as the JDK encodes it, or PKCS#1 as GitHub hands it out. */
  static String pem(boolean pkcs1) {
    byte[] pkcs8 = KEYS.getPrivate().getEncoded();
    // a 2048-bit RSA PrivateKeyInfo is a 26-byte header (version, algorithm, octet string) around the PKCS#1 key
    byte[] der = pkcs1 ? Arrays.copyOfRange(pkcs8, 26, pkcs8.length) : pkcs8;
    String label = (pkcs1 ? "RSA " : "") + "PRIVATE KEY";
    return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + label + "-----\n";
  }

  private ConnectorConfig config(Path keyFile) {
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("repositories", List.of("acme/credit-risk"));
    options.put("app", Map.of("appId", 123456, "installationId", 7890, "privateKeyFile", keyFile.toString()));
    return RegistryTestSupport.config("github-app", "github-actions", server.baseUrl(), AuthConfig.NONE, options);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void exchangesASignedJwtForAnInstallationTokenAndReadsRunsWithIt(boolean pkcs1, @TempDir Path dir) throws Exception {
    Path key = Files.writeString(dir.resolve("app.pem"), pem(pkcs1));
    server.stubFor(post(urlPathEqualTo("/app/installations/7890/access_tokens")).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"token\":\"" + INSTALLATION_TOKEN + "\",\"expires_at\":\"" + NOW.plusSeconds(3600)
            + "\",\"permissions\":{\"actions\":\"read\"},\"repository_selection\":\"selected\"}")));
    server.stubFor(get(urlPathEqualTo("/repos/acme/credit-risk/actions/runs"))
        .withHeader("Authorization", equalTo("Bearer " + INSTALLATION_TOKEN))
        .willReturn(okJson(resource("connector/github/runs-page2.json"))));
    ConnectorConfig config = config(key);

    CiTestRig.Run run = CiTestRig.run(config, new GithubActionsConnectorType().create(config), Map.of(), List.of(), true,
        CLOCK);

    assertEquals(1, run.runs().size());
    server.verify(1, postRequestedFor(urlPathEqualTo("/app/installations/7890/access_tokens")));
    String jwt = server.findAll(postRequestedFor(urlPathEqualTo("/app/installations/7890/access_tokens"))).get(0)
        .getHeader("Authorization").substring("Bearer ".length());
    String[] parts = jwt.split("\\.");
    Signature rs256 = Signature.getInstance("SHA256withRSA");
    rs256.initVerify(KEYS.getPublic());
    rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertTrue(rs256.verify(Base64.getUrlDecoder().decode(parts[2])), "JWT signed with the app's key");
    JsonNode claims = JsonMapper.builder().build().readTree(Base64.getUrlDecoder().decode(parts[1]));
    assertEquals("123456", claims.get("iss").asString());
    assertEquals(NOW.getEpochSecond() - 60, claims.get("iat").asLong());
    assertTrue(claims.get("exp").asLong() - claims.get("iat").asLong() <= 600, "GitHub accepts at most 10 minutes");
    assertEquals("RS256", JsonMapper.builder().build().readTree(Base64.getUrlDecoder().decode(parts[0]))
        .get("alg").asString());
    server.verify(0, getRequestedFor(urlPathEqualTo("/repos/acme/credit-risk/actions/runs"))
        .withHeader("Authorization", equalTo("Bearer " + jwt)));
  }

  @Test
  void aRefusedJwtIsAnAuthFailureThatNamesNoSecret(@TempDir Path dir) throws Exception {
    Path key = Files.writeString(dir.resolve("app.pem"), pem(true));
    server.stubFor(post(urlPathEqualTo("/app/installations/7890/access_tokens")).willReturn(aResponse().withStatus(401)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"message\":\"A JSON web token could not be decoded\",\"documentation_url\":\"https://docs.github.com/rest\"}")));
    ConnectorConfig config = config(key);

    ConnectorException e = assertThrows(ConnectorException.class, () -> CiTestRig.run(config,
        new GithubActionsConnectorType().create(config), Map.of(), List.of(), true, CLOCK));

    assertEquals("auth", e.reason());
    assertTrue(e.getMessage().contains("JSON web token"), e.getMessage());
    assertFalse(e.getMessage().contains("PRIVATE KEY"));
  }

  @Test
  void aKeyFileThatIsNotAKeyIsAClearErrorWithoutItsContent(@TempDir Path dir) throws Exception {
    Path key = Files.writeString(dir.resolve("app.pem"), "not-a-key-but-secret-looking-text");
    ConnectorConfig config = config(key);

    ConnectorException e = assertThrows(ConnectorException.class, () -> CiTestRig.run(config,
        new GithubActionsConnectorType().create(config), Map.of(), List.of(), true, CLOCK));

    assertTrue(e.getMessage().contains(key.toString()) && e.getMessage().contains("not a PEM RSA private key"),
        e.getMessage());
    assertFalse(e.getMessage().contains("secret-looking"));
  }

  @Test
  void anAppWithATokenAuthIsRefusedAtLoad(@TempDir Path dir) {
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("repositories", List.of("acme/credit-risk"));
    options.put("app", Map.of("appId", "x1", "installationId", 7890, "privateKeyFile", "app.pem"));
    ConnectorConfig config = RegistryTestSupport.config("github-app", "github-actions", server.baseUrl(),
        RegistryTestSupport.bearer("GITHUB_TOKEN"), options);

    ConfigException e = assertThrows(ConfigException.class, () -> new GithubActionsConnectorType().create(config));

    assertTrue(e.getMessage().contains("options.app.appId") && e.getMessage().contains("auth.type"), e.getMessage());
  }
}
