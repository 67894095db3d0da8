package io.aimsmonitor;

import io.aimsmonitor.cli.AimsCommand;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The Spring Boot application behind {@code serve} and {@code scan}; {@link #main} is the command line. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class AimsMonitorApplication {

  public static void main(String[] args) {
    int code = AimsCommand.run(args);
    if (code != AimsCommand.KEEP_RUNNING) {
      System.exit(code);
    }
  }
}
