package io.aimsmonitor.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * A command that reads the service's own store ({@link StoreRun}): options it does not know, such
 * as {@code --spring.datasource.url=...}, are passed on to Spring, and its errors are one
 * {@code error:} line and exit code 2, as every command's are.
 */
abstract class StoreCommand implements Callable<Integer> {

  @Unmatched
  List<String> springArgs = new ArrayList<>();

  @Spec
  CommandSpec spec;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Prints {@code error: <message>} and returns the exit code of an invalid run. */
  int error(String message) {
    err().println("error: " + message);
    err().flush();
    return ExitCodes.INVALID;
  }
}
