package io.aimsmonitor.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log levels for commands that run without Spring (which otherwise configures logging): their
 * output is what they print, not Drools' compiler chatter on the console.
 */
final class CliLogging {

  private CliLogging() {}

  /** Silences logging unless {@code verbose}, when it shows INFO and above. */
  static void configure(boolean verbose) {
    if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
      root.setLevel(verbose ? Level.INFO : Level.OFF);
    }
  }
}
