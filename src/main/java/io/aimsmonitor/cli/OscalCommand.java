package io.aimsmonitor.cli;

import io.aimsmonitor.fact.FactJson;
import io.aimsmonitor.oscal.OscalExporter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Writes an OSCAL 1.1.2 JSON document from the service's store (docs/oscal.md). */
@Command(name = "oscal", mixinStandardHelpOptions = true, versionProvider = AimsCommand.Version.class,
    description = "Export the control catalogue, assessment results or the POA&M as OSCAL 1.1.2 JSON.",
    footer = {"", "Reads the service's database as configured; Spring options such as"
        + " --spring.datasource.url=... are passed on."})
public class OscalCommand extends StoreCommand {

  /** The OSCAL models written. */
  public enum Model { CATALOG, ASSESSMENT_RESULTS, POAM }

  @Parameters(index = "0", description = "catalog, assessment_results or poam")
  Model model;

  @Option(names = "--evaluation", description = "assessment results of this evaluation (id)")
  Long evaluation;

  @Option(names = "--from", description = "assessment results from this instant (ISO-8601; default 30 days before --to)")
  Instant from;

  @Option(names = "--to", description = "assessment results up to this instant (default now)")
  Instant to;

  @Option(names = "--as-of", description = "POA&M of the findings open at this instant (default now)")
  Instant asOf;

  @Option(names = {"-o", "--output"}, description = "write to this file instead of standard output")
  Path output;

  @Override
  public Integer call() {
    PrintWriter err = err();
    if (evaluation != null && (from != null || to != null)) {
      err.println("error: give either --evaluation or --from/--to, not both");
      return ExitCodes.INVALID;
    }
    Map<String, Object> document;
    try (StoreRun run = StoreRun.start(springArgs)) {
      OscalExporter oscal = run.bean(OscalExporter.class);
      Instant now = Instant.now();
      document = switch (model) {
        case CATALOG -> oscal.catalog();
        case POAM -> oscal.poam(asOf == null ? now : asOf);
        case ASSESSMENT_RESULTS -> {
          if (evaluation != null) {
            yield oscal.assessmentResultsOfEvaluation(evaluation);
          }
          Instant end = to == null ? now : to;
          Instant start = from == null ? end.minus(Duration.ofDays(30)) : from;
          yield oscal.assessmentResults(start, end, "Period " + start + " to " + end);
        }
      };
    } catch (RuntimeException e) {
      return error(ScanRun.describe(e));
    }
    String json = FactJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(document);
    if (output == null) {
      spec.commandLine().getOut().println(json);
      spec.commandLine().getOut().flush();
    } else {
      try {
        Files.writeString(output, json + "\n");
      } catch (IOException e) {
        err.println("error: cannot write " + output + ": " + e.getMessage());
        return ExitCodes.INVALID;
      }
    }
    return ExitCodes.OK;
  }
}
