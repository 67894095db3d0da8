package io.aimsmonitor.cli;

import io.aimsmonitor.AimsMonitorApplication;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.springframework.boot.SpringApplication;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** Runs the service: scheduler, REST API, UI and metrics. Extra arguments go to Spring Boot. */
@Command(name = "serve", description = "Run the service (default). Spring options such as --server.port=9090 are passed on.")
public class ServeCommand implements Callable<Integer> {

  @Unmatched
  List<String> springArgs = new ArrayList<>();

  @Override
  public Integer call() {
    SpringApplication.run(AimsMonitorApplication.class, springArgs.toArray(String[]::new));
    return AimsCommand.KEEP_RUNNING;
  }
}
