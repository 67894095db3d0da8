package io.aimsmonitor.cli;

import io.aimsmonitor.AimsMonitorApplication;
import io.aimsmonitor.config.EmbeddedDatabaseLock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * Runs the service: scheduler, REST API, UI and metrics. Extra arguments go to Spring Boot. When
 * the embedded database is held by another process it says so in one line and exits 2.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = AimsCommand.Version.class,
    description = "Run the service (default). Spring options such as --server.port=9090 are passed on.",
    footer = {"", "Exit code 2 when it cannot start: the embedded database is in use by another process,"
        + " or the configuration is invalid."})
public class ServeCommand implements Callable<Integer> {

  @Unmatched
  List<String> springArgs = new ArrayList<>();

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    AtomicReference<String> problem = new AtomicReference<>();
    SpringApplication app = new SpringApplication(AimsMonitorApplication.class);
    app.addListeners((ApplicationListener<ApplicationEnvironmentPreparedEvent>) event -> {
      Environment env = event.getEnvironment();
      EmbeddedDatabaseLock.inUse(env.getProperty("spring.datasource.url"), env.getProperty("aims.data-dir", "./data"))
          .ifPresent(inUse -> {
            problem.set(inUse);
            // leaves without Spring's failure report: the one line below is the whole story
            throw new SpringApplication.AbandonedRunException();
          });
    });
    try {
      app.run(springArgs.toArray(String[]::new));
    } catch (SpringApplication.AbandonedRunException e) {
      if (problem.get() == null) {
        throw e;
      }
      spec.commandLine().getErr().println("error: " + problem.get());
      spec.commandLine().getErr().flush();
      return ExitCodes.INVALID;
    }
    return AimsCommand.KEEP_RUNNING;
  }
}
