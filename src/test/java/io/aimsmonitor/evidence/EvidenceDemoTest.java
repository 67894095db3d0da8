package io.aimsmonitor.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.aimsmonitor.AimsMonitorApplication;
import io.aimsmonitor.controls.Control;
import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.testing.TestAccess;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.imageio.ImageIO;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The demo environment served, then everything an auditor takes away from it: the hash chains
 * verify; the OSCAL catalog, assessment results (of a period and of one evaluation) and POA&M
 * validate against the official OSCAL 1.1.2 JSON schemas NIST ships in liboscal-java; time travel
 * answers; and the evidence pack renders (HTML and PDF, content checked), its manifest matches
 * every file and its signature verifies with the public key. With {@code -Daims.regenerate=true}
 * the PDF's first page is written to docs/screenshots/evidence-pack.png.
 */
@SpringBootTest(classes = AimsMonitorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"aims.scheduler.evaluation-debounce=100ms", TestAccess.ADMIN_PASSWORD_PROPERTY})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvidenceDemoTest {

  static Path data;
  static KeyPair key;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws Exception {
    data = Files.createTempDirectory("aims-evidence-demo");
    key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Path keyFile = data.resolve("evidence-key.pem");
    // PEM armour assembled, so no key-looking literal sits in the source
    String armour = "PRIVATE" + " KEY-----";
    Files.writeString(keyFile, "-----BEGIN " + armour + "\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getPrivate().getEncoded())
        + "\n-----END " + armour + "\n");
    registry.add("aims.data-dir", () -> data.toString());
    registry.add("aims.evidence.signing-key-file", keyFile::toString);
  }

  @LocalServerPort
  int port;

  private final HttpClient http = HttpClient.newHttpClient();
  private final JsonMapper json = JsonMapper.builder().build();
  private Instant start;
  private String waiverJustification;
  private String waivedFinding;

  private HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
    return http.send(TestAccess.asAdmin(request).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpRequest.Builder at(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
  }

  private JsonNode get(String path) throws Exception {
    HttpResponse<byte[]> r = send(at(path));
    assertThat(r.statusCode()).as(path + ": " + new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    return json.readTree(r.body());
  }

  private String getQuietly(String path) {
    try {
      return get(path).toString();
    } catch (Exception e) {
      return e.toString();
    }
  }

  @BeforeAll
  void demoEvaluatedAndOneRiskAccepted() throws Exception {
    start = Instant.now().minus(Duration.ofHours(1));
    JsonNode page = null;
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    while (Instant.now().isBefore(deadline)) {
      page = get("/api/findings?status=open");
      if (page.get("total").asLong() > 0) {
        break;
      }
      Thread.sleep(250);
    }
    assertThat(page.get("total").asLong()).as("demo findings").isPositive();
    // The demo's sources arrive one after another, so an early finding may resolve a moment later:
    // wait until every enabled source has collected, then waive one that is still open once the
    // waiver is in place, trying again otherwise.
    Instant settled = Instant.now().plus(Duration.ofSeconds(120));
    while (Instant.now().isBefore(settled)) {
      boolean all = true;
      for (JsonNode c : get("/api/connectors")) {
        all &= !c.get("enabled").asBoolean() || (c.hasNonNull("lastSuccessAt") && c.get("lastRun") != null
            && c.get("lastRun").hasNonNull("finishedAt"));
      }
      if (all) {
        break;
      }
      Thread.sleep(500);
    }
    Thread.sleep(3000); // the evaluation after the last collection (debounce 100ms)
    waiverJustification = "Compensating control: manual review of every release by the model risk committee";
    for (int attempt = 0; attempt < 10 && waivedFinding == null; attempt++) {
      Thread.sleep(1000);
      for (JsonNode candidate : get("/api/findings?status=open").get("items")) {
        String finding = candidate.get("id").asString();
        HttpResponse<byte[]> waiver = send(at("/api/waivers").header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"findingId\": \"" + finding + "\", \"justification\": \""
                + waiverJustification + "\", \"expiresAt\": \"" + Instant.now().plus(Duration.ofDays(30)) + "\"}")));
        assertThat(waiver.statusCode()).as(new String(waiver.body(), StandardCharsets.UTF_8)).isEqualTo(201);
        if (get("/api/findings/" + finding).get("workflow").get("state").asString().equals("waived")) {
          waivedFinding = finding;
        }
        break;
      }
    }
    assertThat(waivedFinding).as("an open finding waived").isNotNull();
  }

  @Test
  void theHistoryVerifies() throws Exception {
    JsonNode report = get("/api/integrity/verify");
    assertThat(report.get("intact").asBoolean()).as(report.toString()).isTrue();
    assertThat(report.findValuesAsString("table")).contains("finding_event", "waiver_change", "audit_event", "waiver");
  }

  @Test
  void oscalDocumentsValidateAgainstTheOfficialSchemas() throws Exception {
    JsonNode catalog = get("/api/oscal/catalog");
    assertThat(validate("oscal-catalog_schema.json", catalog)).isEmpty();
    assertThat(catalog.toString()).contains("\"id\":\"a.6.2.6\"").contains("\"id\":\"c.8.1\"");

    String to = Instant.now().plusSeconds(1).toString();
    JsonNode results = get("/api/oscal/assessment-results?from=" + start + "&to=" + to);
    assertThat(validate("oscal-ar_schema.json", results)).isEmpty();
    JsonNode result = results.get("assessment-results").get("results").get(0);
    assertThat(result.get("observations").size()).isPositive();
    assertThat(result.get("observations").get(0).get("methods").get(0).asString()).isEqualTo("AUTOMATED");
    assertThat(result.get("findings").findValuesAsString("state")).contains("not-satisfied");
    assertThat(result.get("risks").findValuesAsString("status")).as(() -> "risk of the waived finding " + waivedFinding
        + ": " + java.util.stream.StreamSupport.stream(result.get("risks").spliterator(), false)
            .filter(r -> r.toString().contains(waivedFinding)).toList() + "; waivers " + getQuietly("/api/waivers")
        + "; finding " + getQuietly("/api/findings/" + waivedFinding)).contains("open", "deviation-approved");
    assertThat(result.get("risks").toString()).contains(waiverJustification);

    JsonNode ofEvaluation = get("/api/oscal/assessment-results?evaluation=1");
    assertThat(validate("oscal-ar_schema.json", ofEvaluation)).isEmpty();

    JsonNode poam = get("/api/oscal/poam");
    assertThat(validate("oscal-poam_schema.json", poam)).isEmpty();
    assertThat(poam.get("plan-of-action-and-milestones").get("poam-items").size()).isPositive();
    assertThat(send(at("/api/oscal/assessment-results?evaluation=999999")).statusCode()).isEqualTo(400);
  }

  @Test
  void timeTravelAnswersForThePastAndThePeriod() throws Exception {
    JsonNode before = get("/api/controls?asOf=2000-01-01T00:00:00Z");
    assertThat(before.get("byStatus").has("non_compliant")).isFalse();
    assertThat(before.get("byStatus").has("not_evaluated")).isTrue();
    JsonNode now = get("/api/controls?asOf=" + Instant.now().plusSeconds(1));
    assertThat(now.get("byStatus").get("non_compliant").asLong()).isPositive();
    JsonNode period = get("/api/reports/period?from=" + start);
    assertThat(period.get("summary").get("findingsOpened").asLong()).isPositive();
    assertThat(period.get("waivers").size()).isPositive();
    assertThat(get("/api/reports/ai-systems?asOf=" + Instant.now()).size()).isPositive();
    assertThat(send(at("/api/reports/period?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z")).statusCode())
        .isEqualTo(400);
  }

  @Test
  void theEvidencePackRendersAndItsManifestAndSignatureHold() throws Exception {
    HttpResponse<byte[]> response = send(at("/api/evidence-pack?from=" + start + "&to=" + Instant.now().plusSeconds(1)));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Disposition").orElse("")).contains("aims-evidence-");
    Map<String, byte[]> files = unzip(response.body());
    assertThat(files).containsKeys("index.html", "report.pdf", "manifest.sha256", "manifest.sha256.sig",
        "data/period-report.json", "oscal/catalog.json", "oscal/assessment-results.json", "oscal/poam.json",
        "evidence/rule-packs/packs.json");
    assertThat(files.keySet()).anyMatch(p -> p.startsWith("evidence/snapshots/demo-inventory/run-"));
    // the pack versions the period's evaluations recorded, from the store, with their files
    JsonNode versions = json.readTree(files.get("evidence/rule-pack-versions/versions.json"));
    assertThat(versions.size()).as("pack versions used in the period").isPositive();
    JsonNode used = versions.get(0);
    assertThat(used.get("evaluations").asInt()).isPositive();
    assertThat(files.keySet()).anyMatch(p -> p.startsWith(used.get("files").asString() + "/")
        && p.endsWith(".drl"));

    // the manifest names every other file with its SHA-256, and the signature covers the manifest
    byte[] manifest = files.get("manifest.sha256");
    List<String> lines = new String(manifest, StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(files.size() - 3); // all but the manifest, its signature and signature.txt
    for (String line : lines) {
      String[] parts = line.split(" {2}", 2);
      assertThat(EvidencePack.sha256(files.get(parts[1]))).as(parts[1]).isEqualTo(parts[0]);
    }
    Signature verifier = Signature.getInstance("Ed25519");
    verifier.initVerify(key.getPublic());
    verifier.update(manifest);
    assertThat(verifier.verify(files.get("manifest.sha256.sig"))).isTrue();

    String html = new String(files.get("index.html"), StandardCharsets.UTF_8);
    assertThat(html).contains("Statement of Applicability", "Connector coverage and evidence freshness",
        "demo-inventory", waiverJustification, "History integrity", "intact");
    for (Control c : ControlCatalog.bundled().part(Control.Part.ANNEX_A)) {
      assertThat(html).as("SoA row of " + c.id()).contains("<td>" + c.id() + "</td>");
    }
    JsonNode period = json.readTree(files.get("data/period-report.json"));
    String aFinding = period.get("findings").get(0).get("id").asString();
    assertThat(html).contains(aFinding);

    try (PDDocument pdf = Loader.loadPDF(files.get("report.pdf"))) {
      assertThat(pdf.getNumberOfPages()).isGreaterThan(1);
      String text = new PDFTextStripper().getText(pdf);
      assertThat(text).contains("ISO/IEC 42001 evidence pack", "Statement of Applicability", "A.6.2.6");
      assertThat(text.replaceAll("\\s", "")).as("ids wrap in narrow columns").contains(aFinding);
      BufferedImage page = new PDFRenderer(pdf).renderImageWithDPI(0, 80);
      assertThat(darkPixels(page)).as("the first page has text on it").isGreaterThan(1000);
      if (Boolean.getBoolean("aims.regenerate")) {
        ImageIO.write(page, "png", Path.of("docs/screenshots/evidence-pack.png").toFile());
      }
    }
  }

  private static long darkPixels(BufferedImage image) {
    long n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if ((image.getRGB(x, y) & 0xff) < 128) {
          n++;
        }
      }
    }
    return n;
  }

  private static Map<String, byte[]> unzip(byte[] zip) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        out.put(e.getName(), in.readAllBytes());
      }
    }
    return out;
  }

  /** Errors of {@code document} against an official OSCAL JSON schema shipped in NIST's liboscal-java. */
  static List<String> validate(String schemaFile, JsonNode document) {
    try (InputStream in = EvidenceDemoTest.class.getClassLoader().getResourceAsStream("schema/json/" + schemaFile)) {
      assertThat(in).as(schemaFile + " from liboscal-java").isNotNull();
      Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
          .getSchema(new String(in.readAllBytes(), StandardCharsets.UTF_8), InputFormat.JSON);
      return schema.validate(document).stream().map(e -> e.getInstanceLocation() + ": " + e.getMessage()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
