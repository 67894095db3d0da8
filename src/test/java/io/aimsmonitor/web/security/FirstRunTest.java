package io.aimsmonitor.web.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.AimsMonitorApplication;
import io.aimsmonitor.testing.TestAccess;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The README's first run, as a newcomer does it: `java -jar target/aims-monitor.jar` with no
 * settings (here in-process, on a fresh data folder and any free port). The first start prints a
 * generated admin password once; it works for the API; it is stored only as a hash and never
 * printed again, not even at the next start. The service listens on 127.0.0.1 only.
 */
@ExtendWith(OutputCaptureExtension.class)
class FirstRunTest {

  private static final Pattern PRINTED = Pattern.compile(
      "created the admin user 'admin' with this generated password \\(shown only now\\):\\s+(\\S+)");

  @TempDir
  Path data;

  private ConfigurableApplicationContext serve(String... extra) {
    String[] args = new String[extra.length + 2];
    args[0] = "--server.port=0";
    args[1] = "--aims.data-dir=" + data;
    System.arraycopy(extra, 0, args, 2, extra.length);
    return SpringApplication.run(AimsMonitorApplication.class, args);
  }

  @Test
  void theFirstStartPrintsAGeneratedAdminPasswordOnceAndItWorks(CapturedOutput output) throws Exception {
    String password;
    try (ConfigurableApplicationContext first = serve()) {
      Matcher printed = PRINTED.matcher(output.getOut());
      assertThat(printed.find()).as("the generated password is printed:\n%s", output.getOut()).isTrue();
      password = printed.group(1);
      assertThat(printed.find()).as("printed once").isFalse();

      int port = ((ServletWebServerApplicationContext) first).getWebServer().getPort();
      TomcatWebServer tomcat = (TomcatWebServer) ((ServletWebServerApplicationContext) first).getWebServer();
      assertThat(tomcat.getTomcat().getConnector().getProperty("address"))
          .as("bound to the loopback interface only").isEqualTo(InetAddress.getByName("127.0.0.1"));

      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> findings = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + "/api/findings?status=open")).header("Authorization", TestAccess.basic("admin", password)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(findings.statusCode()).as(findings.body()).isEqualTo(200);
      assertThat(findings.body()).contains("\"total\"");
      HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + "/api/findings")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(anonymous.statusCode()).isEqualTo(401);

      JdbcClient jdbc = first.getBean(JdbcClient.class);
      assertThat(jdbc.sql("SELECT password_hash FROM app_user").query(String.class).single())
          .startsWith("{bcrypt}").doesNotContain(password);
      assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_event WHERE after_state LIKE :p OR before_state LIKE :p")
          .param("p", "%" + password + "%").query(Long.class).single()).isZero();
    }
    int printedSoFar = output.getOut().length();

    try (ConfigurableApplicationContext second = serve("--aims.scheduler.enabled=false")) {
      String secondStart = output.getOut().substring(printedSoFar);
      assertThat(second.isActive()).isTrue();
      assertThat(secondStart).as("the console of the second start").doesNotContain(password)
          .doesNotContain("generated password");
    }
  }
}
