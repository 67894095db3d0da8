package io.aimsmonitor.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * How tests authenticate: the first admin's password is set through the same property a
 * deployment uses ({@code aims.security.admin-password}), and requests send it by HTTP Basic.
 * Security stays on in every test.
 */
public final class TestAccess {

  public static final String ADMIN_PASSWORD = "test-admin-password-not-secret";
  /** Add to {@code @SpringBootTest(properties = ...)}. */
  public static final String ADMIN_PASSWORD_PROPERTY = "aims.security.admin-password=" + ADMIN_PASSWORD;

  private TestAccess() {}

  /** The {@code Authorization} header value of the first admin. */
  public static String adminBasic() {
    return basic("admin", ADMIN_PASSWORD);
  }

  public static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** {@code method path} (no body) sent as the first admin to the service on {@code 127.0.0.1:port}. */
  public static HttpResponse<String> sendAsAdmin(int port, String method, String path)
      throws IOException, InterruptedException {
    return HTTP.send(asAdmin(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)))
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A request builder that authenticates as the first admin. */
  public static HttpRequest.Builder asAdmin(HttpRequest.Builder request) {
    return request.header("Authorization", adminBasic());
  }
}
