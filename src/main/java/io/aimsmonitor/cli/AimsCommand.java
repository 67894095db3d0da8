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
    description = "Continuous compliance monitor for ISO/IEC 42001 AI management systems.",
    subcommands = {ServeCommand.class, ScanCommand.class, ValidateCommand.class, TestRulesCommand.class,
        ControlsCommand.class, VerifyCommand.class, ReplayCommand.class, OscalCommand.class, EvidencePackCommand.class,
        CommandLine.HelpCommand.class})
public class AimsCommand {

  /** Exit code meaning "the server is running: do not exit". */
  public static final int KEEP_RUNNING = Integer.MIN_VALUE;

  private static final Set<String> OWN_OPTIONS = Set.of("-h", "--help", "-V", "--version");

  public static int run(String[] args) {
    List<String> list = new ArrayList<>(List.of(args));
    if (list.isEmpty() || (list.get(0).startsWith("-") && !OWN_OPTIONS.contains(list.get(0)))) {
      list.add(0, "serve");
    }
    return new CommandLine(new AimsCommand()).setCaseInsensitiveEnumValuesAllowed(true)
        .execute(list.toArray(String[]::new));
  }

  /** The version from the jar manifest (set by Maven), or "dev" when run from classes. */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = AimsCommand.class.getPackage().getImplementationVersion();
      return new String[] {"aims-monitor " + (v == null ? "dev" : v)};
    }
  }
}
