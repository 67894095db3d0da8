package io.aimsmonitor.cli;

import io.aimsmonitor.AimsMonitorApplication;
import io.aimsmonitor.config.EmbeddedDatabaseLock;
import io.aimsmonitor.config.StartupCheck;
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
 * the embedded database is held by another process, or the configuration is invalid (a setting of
 * the wrong type, a folder that does not exist, an invalid connector file: {@link StartupCheck}),
 * it says so in one line per problem, naming the file or source and the key, and exits 2 before
 * anything starts: no Spring failure report, no stack trace.
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
    AtomicReference<List<String>> problems = new AtomicReference<>();
    SpringApplication app = new SpringApplication(AimsMonitorApplication.class);
    app.addListeners((ApplicationListener<ApplicationEnvironmentPreparedEvent>) event -> {
      Environment env = event.getEnvironment();
      EmbeddedDatabaseLock.inUse(env.getProperty("spring.datasource.url"), env.getProperty("aims.data-dir", "./data"))
          .ifPresent(inUse -> problems.set(List.of(inUse)));
      if (problems.get() == null) {
        List<String> invalid = StartupCheck.problems(env);
        if (!invalid.isEmpty()) {
          problems.set(invalid);
        }
      }
      if (problems.get() != null) {
        // leaves without Spring's failure report: the lines below are the whole story
        throw new SpringApplication.AbandonedRunException();
      }
    });
    try {
      app.run(springArgs.toArray(String[]::new));
    } catch (SpringApplication.AbandonedRunException e) {
      if (problems.get() == null) {
        throw e;
      }
      problems.get().forEach(p -> spec.commandLine().getErr().println("error: " + p));
      spec.commandLine().getErr().flush();
      return ExitCodes.INVALID;
    }
    return AimsCommand.KEEP_RUNNING;
  }
}
