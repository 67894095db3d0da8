package io.aimsmonitor.web.api;

import io.aimsmonitor.evidence.EvidencePack;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The auditor's evidence pack of a period, as a zip (docs/evidence.md). */
@RestController
@RequestMapping("/api/evidence-pack")
public class EvidencePackController {

  private final EvidencePack pack;
  private final Clock clock;

  public EvidencePackController(EvidencePack pack, Clock clock) {
    this.pack = pack;
    this.clock = clock;
  }

  /**
   * @param from start of the audit period (ISO-8601 instant); default 90 days before {@code to}
   * @param to end of the period (exclusive); default now
   */
  @GetMapping
  public void download(@RequestParam(required = false) Instant from, @RequestParam(required = false) Instant to,
      HttpServletResponse response) throws IOException {
    Instant end = to == null ? clock.instant() : to;
    Instant start = from == null ? end.minus(Duration.ofDays(90)) : from;
    if (!start.isBefore(end)) {
      throw new BadParameterException("from", "must be before to (" + end + ")");
    }
    String name = "aims-evidence-" + start.toString().substring(0, 10) + "-to-" + end.toString().substring(0, 10) + ".zip";
    // written on the request thread, not as an async StreamingResponseBody: a large pack's PDF can take
    // longer than the async request timeout, and a timeout mid-zip would hand the auditor a cut archive
    response.setContentType("application/zip");
    response.setHeader(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(name).build().toString());
    pack.write(start, end, response.getOutputStream());
    response.flushBuffer();
  }
}
