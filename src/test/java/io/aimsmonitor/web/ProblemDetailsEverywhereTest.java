package io.aimsmonitor.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.AimsMonitorApplication;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import io.aimsmonitor.testing.TestAccess;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Hostile and malformed requests, sent on a raw socket (an HTTP client would refuse to send most
 * of them): every answer is an RFC 9457 problem detail with the right status, including the ones
 * Tomcat gives before any servlet runs, never HTML and never a stack trace.
 */
@SpringBootTest(classes = AimsMonitorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"aims.scheduler.collect-on-start=false", TestAccess.ADMIN_PASSWORD_PROPERTY})
class ProblemDetailsEverywhereTest {

  @TempDir
  static Path data;

  @DynamicPropertySource
  static void dataDir(DynamicPropertyRegistry registry) {
    registry.add("aims.data-dir", () -> data.toString());
  }

  @LocalServerPort
  int port;

  private String raw(String requestLine) throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      OutputStream out = s.getOutputStream();
      out.write((requestLine + "\r\nHost: 127.0.0.1\r\nAccept: application/json\r\nAuthorization: " + TestAccess.adminBasic()
          + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "GET /api/findings/%zz HTTP/1.1 | 400",
      "GET /api/findings?rule=%zz HTTP/1.1 | 400",
      "GET /api/findings?status=open' OR '1'='1 HTTP/1.1 | 400",
      "GET /api/findings?limit=999999999999 HTTP/1.1 | 400",
      "GET /api/findings?rule=x%27%3B%20DROP%20TABLE%20finding%3B-- HTTP/1.1 | 200",
      "GET /api/findings/..%2f..%2fetc%2fpasswd HTTP/1.1 | 400",
      "GET /api/no-such-thing HTTP/1.1 | 404",
      "DELETE /api/findings HTTP/1.1 | 405",
      "GET /api/connectors/%00/runs HTTP/1.1 | 400"})
  void everyErrorIsAProblemDetail(String requestLine, int status) throws Exception {
    String response = raw(requestLine);
    String head = response.substring(0, Math.max(0, response.indexOf("\r\n\r\n"))).toLowerCase();
    String body = response.substring(response.indexOf("\r\n\r\n") + 4);
    assertThat(head).startsWith("http/1.1 " + status);
    assertThat(body).doesNotContain("<html").doesNotContain("Exception").doesNotContain("at io.aimsmonitor");
    if (status >= 400) {
      assertThat(head).contains("content-type: application/problem+json");
      assertThat(body).contains("\"status\":" + status);
    } else {
      assertThat(body).contains("\"total\":0"); // the injection attempt is a literal rule id: nothing matches
    }
  }
}
