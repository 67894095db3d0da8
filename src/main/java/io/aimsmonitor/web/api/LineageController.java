package io.aimsmonitor.web.api;

import io.aimsmonitor.lineage.LineageIngest;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/lineage}: OpenLineage events from the standard OpenLineage HTTP transport
 * (its default endpoint path), authenticated by an openlineage source's API key. 201 once stored;
 * 401, 413 and 400 as RFC 9457 problem details naming the fault. See docs/lineage.md.
 */
@RestController
public class LineageController {

  private final LineageIngest ingest;

  public LineageController(LineageIngest ingest) {
    this.ingest = ingest;
  }

  @PostMapping("/api/v1/lineage")
  public ResponseEntity<?> receive(HttpServletRequest request) throws IOException {
    LineageIngest.Outcome outcome = ingest.accept(request.getHeader(HttpHeaders.AUTHORIZATION), request.getInputStream());
    if (outcome.accepted()) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("source", outcome.source());
      body.put("eventId", outcome.eventId());
      return ResponseEntity.status(HttpStatus.CREATED).body(body);
    }
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(outcome.status()), outcome.detail());
    problem.setTitle(outcome.title());
    problem.setInstance(URI.create("/api/v1/lineage"));
    ResponseEntity.BodyBuilder response = ResponseEntity.status(outcome.status());
    if (outcome.status() == 401) {
      response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"aims-monitor OpenLineage\"");
    }
    return response.header(HttpHeaders.CONTENT_TYPE, "application/problem+json").body(problem);
  }
}
