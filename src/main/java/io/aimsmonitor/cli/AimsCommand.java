package io.aimsmonitor.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code aims-monitor [serve|scan|validate|...]}. With no sub-command, or with only Spring
 * options such as {@code --server.port=9090}, it serves.
 */
@Command(name = "aims-monitor", mixinStandardHelpOptions = true, versionProvider = AimsCommand.Version.class,
    description = AimsCommand.DESCRIPTION,
    subcommands = {ServeCommand.class, ScanCommand.class, ValidateCommand.class, TestRulesCommand.class,
        ControlsCommand.class, VerifyCommand.class, ReplayCommand.class, OscalCommand.class, EvidencePackCommand.class,
        CommandLine.HelpCommand.class})
public class AimsCommand {

  /** Exit code meaning "the server is running: do not exit". */
  public static final int KEEP_RUNNING = Integer.MIN_VALUE;

  static final String DESCRIPTION = "Continuous compliance monitor for ISO/IEC 42001 AI management systems.";

  private static final Set<String> OWN_OPTIONS = Set.of("-h", "--help", "-V", "--version");

  public static int run(String[] args) {
    List<String> list = new ArrayList<>(List.of(args));
    if (list.isEmpty() || (list.get(0).startsWith("-") && !OWN_OPTIONS.contains(list.get(0)))) {
      list.add(0, "serve");
    }
    return commandLine(list.get(0)).execute(list.toArray(String[]::new));
  }

  /**
   * The command line for arguments that start with {@code first}. For {@code scan} it holds the
   * top-level command with that one sub-command: picocli builds the model of every sub-command it is
   * given, by reflection over their annotations, and its own classes are Java 5 bytecode that the
   * class-data sharing archive leaves out, so the other nine cost every scan about 50 ms of its main
   * thread before anything starts (issue #14, docs/benchmarks.md "Start-up of {@code scan}: where the
   * rest goes"). Everything a scan prints through picocli (usage, version, errors) names the command
   * {@code aims-monitor scan} as before ({@code AimsCommandTest} compares the two). Anything else gets
   * every command, so that help and the suggestions for a mistyped command still list them all.
   */
  static CommandLine commandLine(String first) {
    CommandLine cli = "scan".equals(first)
        ? new CommandLine(new ScanOnly()).addSubcommand(new ScanCommand())
        : new CommandLine(new AimsCommand());
    return cli.setCaseInsensitiveEnumValuesAllowed(true); // after addSubcommand: picocli applies it to those present
  }

  /** {@link AimsCommand} as {@code scan} sees it: the same name, options and version, without the other sub-commands. */
  @Command(name = "aims-monitor", mixinStandardHelpOptions = true, versionProvider = AimsCommand.Version.class,
      description = DESCRIPTION)
  static final class ScanOnly {}

  /** The version from the jar manifest (set by Maven), or "dev" when run from classes. */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = AimsCommand.class.getPackage().getImplementationVersion();
      return new String[] {"aims-monitor " + (v == null ? "dev" : v)};
    }
  }
}
