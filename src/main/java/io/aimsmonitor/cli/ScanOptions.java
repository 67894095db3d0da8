package io.aimsmonitor.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options of a command that runs a collect-and-evaluate cycle ({@code scan},
 * {@code controls --scan}), declared once and mixed in with {@code @Mixin}.
 */
final class ScanOptions {

  /** Read only when collecting: by {@code controls} only with {@code --scan}, which says so in its description. */
  @Option(names = "--connectors", description = "connector instance folder (default: ./connectors, else the bundled demo)")
  Path connectors;

  @Option(names = "--rules", description = "rule pack folder (default: ./rules, else the bundled packs)")
  Path rules;

  @Option(names = "--waivers", description = "YAML file of accepted risks (waivers) kept in git; waived findings"
      + " are not open findings (default: aims.review.waivers-file, else none)")
  Path waivers;

  @Option(names = "--verbose", description = "log progress to standard error")
  boolean verbose;
}
