package io.aimsmonitor.web.api;

import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.export.ExportFormat;
import io.aimsmonitor.export.Exporter;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.store.FindingFilter;
import io.aimsmonitor.store.FindingRepository;
import io.aimsmonitor.store.FindingSort;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Any filtered findings view as a file: CSV, JSON, SARIF 2.1.0, OCSF Compliance Finding JSON lines
 * or JUnit XML, with evidence, evidence links and waiver state. Streamed in keyset chunks of the
 * exporter's batch size, so an export of every finding holds one chunk in memory and looks its
 * waivers up once per chunk.
 */
@RestController
@RequestMapping("/api/findings/export")
public class FindingExportController {

  private final FindingRepository findings;
  private final ControlCatalog catalog;
  private final RuleBook ruleBook;
  private final Exporter exporter;

  private final io.aimsmonitor.review.AiSystemInventory aiSystems;

  public FindingExportController(FindingRepository findings, ControlCatalog catalog, RuleBook ruleBook,
      Exporter exporter, io.aimsmonitor.review.AiSystemInventory aiSystems) {
    this.aiSystems = aiSystems;
    this.findings = findings;
    this.catalog = catalog;
    this.ruleBook = ruleBook;
    this.exporter = exporter;
  }

  @GetMapping
  @FindingFilterParameters
  @Operation(summary = "Export findings", description = "The findings the filter parameters select, in `format` (or,"
      + " without it, the format whose media type `Accept` names: text/csv, application/json, application/sarif+json,"
      + " application/x-ndjson for OCSF, application/xml for JUnit).")
  @Parameter(name = "format", in = ParameterIn.QUERY, description = "csv, json, sarif, ocsf or junit")
  @Parameter(name = "sort", in = ParameterIn.QUERY, description = "as for the list; default -severity")
  public void export(@Parameter(hidden = true) @RequestParam MultiValueMap<String, String> query,
      @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept, HttpServletResponse response)
      throws IOException {
    ExportFormat format = format(query.getFirst("format"), accept);
    FindingSort sort = FindingsController.sort(query.getFirst("sort"));
    FindingFilter filter = FindingParameters.filter(query, Set.of("format", "sort"),
        new FindingParameters.Lookups(catalog, aiSystems));
    response.setContentType(format.mediaType() + (format == ExportFormat.JUNIT || format == ExportFormat.CSV
        ? ";charset=UTF-8" : ""));
    response.setCharacterEncoding("UTF-8");
    response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"aims-findings." + format.extension() + "\"");
    exporter.write(format, action -> findings.forEach(filter, sort, Exporter.BATCH, action), ruleBook.rules().values(),
        response.getOutputStream());
  }

  private static ExportFormat format(String param, String accept) {
    if (param != null) {
      try {
        return ExportFormat.parse(param);
      } catch (IllegalArgumentException e) {
        throw new BadParameterException("format", e.getMessage());
      }
    }
    if (accept != null) {
      for (String part : accept.split(",")) {
        Optional<ExportFormat> f = ExportFormat.forMediaType(part);
        if (f.isPresent()) {
          return f.get();
        }
      }
      if (!accept.contains("*/*") && !MediaType.parseMediaTypes(accept).isEmpty()) {
        throw new BadParameterException("format", "none given, and Accept names no export format (" + accept + ")");
      }
    }
    return ExportFormat.JSON;
  }
}
