package io.aimsmonitor.bench;

import io.aimsmonitor.AimsMonitorApplication;
import io.aimsmonitor.testing.TestAccess;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The web UI's findings page (and the overview) with N findings (default 100,000) in the embedded
 * H2 file database, as {@code serve} runs it: rendered HTML over real HTTP with a signed-in browser
 * session, timed end to end from the client. Prints a Markdown table for docs/benchmarks.md.
 *
 * <p>Run: {@code bench/run FindingsPageBench [findings]}.
 */
public final class FindingsPageBench {

  private static final int WARMUP = 3;
  private static final int ROUNDS = 10;
  private static final String[] SEVERITIES = {"INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"};
  private static final String[] CONTROLS = {"A.6.2.2", "A.6.2.4", "A.6.2.6", "A.7.4", "A.7.5", "A.5.2", "A.8.2",
      "A.10.3"};
  private static final Pattern CSRF = Pattern.compile("name=\"csrf-token\" content=\"([^\"]+)\"");
  private static final Pattern NEXT = Pattern.compile("<a href=\"([^\"]+)\"[^>]*rel=\"next\"");

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    Path root = Files.createTempDirectory("aims-ui-bench");
    Path connectors = Files.createDirectories(root.resolve("connectors"));
    try (ConfigurableApplicationContext context = new SpringApplicationBuilder(AimsMonitorApplication.class)
        .run("--server.port=0", "--server.address=127.0.0.1", "--aims.data-dir=" + root.resolve("data"),
            "--aims.connectors-dir=" + connectors, "--aims.rules-dir=rules", "--aims.scheduler.enabled=false",
            "--" + TestAccess.ADMIN_PASSWORD_PROPERTY, "--logging.level.root=WARN")) {
      long t0 = System.nanoTime();
      insert(context.getBean(DataSource.class), n);
      System.err.printf("inserted %,d findings in %d ms%n", n, (System.nanoTime() - t0) / 1_000_000);
      String base = "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
      HttpClient http = HttpClient.newHttpClient();
      signIn(http, base);

      System.out.printf("%,d findings (H2 file database, one signed-in session, median and 90th percentile of %d"
          + " requests after %d warm-up)%n%n", n, ROUNDS, WARMUP);
      System.out.println("| page | median | p90 | HTML |");
      System.out.println("| --- | ---: | ---: | ---: |");
      row(http, base, "findings, default view (most severe first, 50 rows)", "/findings");
      row(http, base, "findings, open and at least high", "/findings?status=open&severity=high");
      row(http, base, "findings, by last seen, 200 rows", "/findings?sort=-lastSeen&limit=200");
      row(http, base, "findings, one control", "/findings?control=A.6.2.6");
      row(http, base, "findings, text search (substring over every row)", "/findings?text=model-4242");
      row(http, base, "findings, 20th page (cursor)", twentiethPage(http, base));
      row(http, base, "overview (figures kept between views while the findings are unchanged)", "/");
      DataSource ds = context.getBean(DataSource.class);
      row(http, base, "overview, first view after a change of the findings (a comment before each view)", "/",
          "text/html", () -> comment(ds));
      row(http, base, "controls (the report the overview's posture is drawn from)", "/controls");
      row(http, base, "for comparison: GET /api/findings (50 items, counts the total)", "/api/findings?limit=50", "application/json");
    }
  }

  /**
   * The session cookie, sent by hand: the service marks it {@code Secure}, and the JDK's
   * CookieManager never sends a Secure cookie over plain http, even to 127.0.0.1 (browsers do).
   */
  private static String session = "";

  private static HttpRequest.Builder request(String url) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    return session.isEmpty() ? b : b.header("Cookie", session);
  }

  private static <T> HttpResponse<T> remember(HttpResponse<T> r) {
    r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("JSESSIONID="))
        .findFirst().ifPresent(c -> session = c.substring(0, c.indexOf(';')));
    return r;
  }

  private static void row(HttpClient http, String base, String what, String path) throws Exception {
    row(http, base, what, path, "text/html");
  }

  private static void row(HttpClient http, String base, String what, String path, String accept) throws Exception {
    row(http, base, what, path, accept, () -> {});
  }

  /** A step taken before each timed request, outside the time. */
  private interface Before {
    void run() throws Exception;
  }

  private static void row(HttpClient http, String base, String what, String path, String accept, Before before)
      throws Exception {
    List<Long> times = new ArrayList<>();
    int bytes = 0;
    for (int i = 0; i < WARMUP + ROUNDS; i++) {
      before.run();
      long start = System.nanoTime();
      HttpResponse<String> r = remember(http.send(request(base + path).header("Accept", accept).build(),
          HttpResponse.BodyHandlers.ofString()));
      long micros = (System.nanoTime() - start) / 1000;
      if (r.statusCode() != 200) {
        throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
      }
      bytes = r.body().length();
      if (i >= WARMUP) {
        times.add(micros);
      }
    }
    Collections.sort(times);
    System.out.printf("| %s | %.1f ms | %.1f ms | %,d kB |%n", what, times.get(times.size() / 2) / 1000.0,
        times.get((int) Math.ceil(times.size() * 0.9) - 1) / 1000.0, bytes / 1024);
  }

  private static String twentiethPage(HttpClient http, String base) throws Exception {
    String path = "/findings";
    for (int i = 1; i < 20; i++) {
      String html = remember(http.send(request(base + path).build(), HttpResponse.BodyHandlers.ofString())).body();
      Matcher m = NEXT.matcher(html);
      if (!m.find()) {
        throw new IllegalStateException("no next page after page " + i);
      }
      path = m.group(1).replace("&amp;", "&");
    }
    return path;
  }

  private static void signIn(HttpClient http, String base) throws Exception {
    String login = remember(http.send(request(base + "/login").build(), HttpResponse.BodyHandlers.ofString())).body();
    Matcher m = CSRF.matcher(login);
    if (!m.find()) {
      throw new IllegalStateException("no CSRF token on the sign-in page");
    }
    String form = "username=admin&password=" + URLEncoder.encode(TestAccess.ADMIN_PASSWORD, StandardCharsets.UTF_8)
        + "&_csrf=" + URLEncoder.encode(m.group(1), StandardCharsets.UTF_8);
    HttpResponse<String> r = remember(http.send(request(base + "/login")
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form))
        .build(), HttpResponse.BodyHandlers.ofString()));
    if (r.statusCode() != 302 || r.headers().firstValue("Location").orElse("").contains("error")) {
      throw new IllegalStateException("sign-in failed: " + r.statusCode() + " " + r.headers().map());
    }
  }

  /** A reviewer's comment on the first finding: a change of the findings, as the overview's kept figures see it. */
  private static void comment(DataSource ds) throws Exception {
    try (Connection c = ds.getConnection(); PreparedStatement e = c.prepareStatement("INSERT INTO finding_event"
        + " (finding_id, at, type, actor, detail) VALUES (?, ?, 'COMMENTED', 'bench', 'a change')")) {
      e.setString(1, String.format("%032x", 1L));
      e.setTimestamp(2, Timestamp.from(Instant.now()));
      e.executeUpdate();
    }
  }

  /** N findings over 200 rules, 8 controls and 5 severities, first seen over the last 60 days, with history. */
  private static void insert(DataSource ds, int n) throws Exception {
    Random random = new Random(42);
    Instant now = Instant.now();
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement f = c.prepareStatement("INSERT INTO finding (id, rule_id, pack, title, severity,"
              + " severity_rank, controls, message, remediation, subject_type, subject_key, subject_name, subject_url,"
              + " evidence, status, stale, first_seen, last_seen, resolved_at, source)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
           PreparedStatement fc = c.prepareStatement("INSERT INTO finding_control (finding_id, control_id) VALUES (?, ?)");
           PreparedStatement fe = c.prepareStatement("INSERT INTO finding_event (finding_id, at, type, actor, detail)"
               + " VALUES (?, ?, ?, 'system', NULL)")) {
        for (int i = 0; i < n; i++) {
          String id = String.format("%032x", i + 1L);
          int sev = random.nextInt(SEVERITIES.length);
          String control = CONTROLS[random.nextInt(CONTROLS.length)];
          boolean resolved = random.nextInt(5) == 0;
          Instant first = now.minus(random.nextInt(60 * 24), ChronoUnit.HOURS);
          Instant last = resolved ? first.plus(random.nextInt(24 * 5), ChronoUnit.HOURS) : now;
          String source = "registry-" + (i % 20);
          f.setString(1, id);
          f.setString(2, "bench.rule-" + (i % 200));
          f.setString(3, "bench-pack-" + (i % 6));
          f.setString(4, "Benchmark rule " + (i % 200));
          f.setString(5, SEVERITIES[sev]);
          f.setInt(6, sev);
          f.setString(7, control);
          f.setString(8, "Model model-" + i + " v" + (1 + i % 7) + " violates benchmark rule " + (i % 200) + ".");
          f.setString(9, "Fix it.");
          f.setString(10, "ModelVersion");
          f.setString(11, source + ":model-" + i + "/" + (1 + i % 7));
          f.setString(12, "model-" + i + " v" + (1 + i % 7));
          f.setString(13, "https://registry.example/models/model-" + i);
          f.setString(14, "{\"source\":\"" + source + "\"}");
          f.setString(15, resolved ? "RESOLVED" : "OPEN");
          f.setBoolean(16, i % 50 == 0);
          f.setTimestamp(17, Timestamp.from(first));
          f.setTimestamp(18, Timestamp.from(last));
          f.setTimestamp(19, resolved ? Timestamp.from(last) : null);
          f.setString(20, source);
          f.addBatch();
          fc.setString(1, id);
          fc.setString(2, control);
          fc.addBatch();
          fe.setString(1, id);
          fe.setTimestamp(2, Timestamp.from(first));
          fe.setString(3, "OPENED");
          fe.addBatch();
          if (resolved) {
            fe.setString(1, id);
            fe.setTimestamp(2, Timestamp.from(last));
            fe.setString(3, "RESOLVED");
            fe.addBatch();
          }
          if (i % 2000 == 1999) {
            f.executeBatch();
            fc.executeBatch();
            fe.executeBatch();
          }
        }
        f.executeBatch();
        fc.executeBatch();
        fe.executeBatch();
      }
      c.commit();
    }
  }
}
