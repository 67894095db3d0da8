package io.aimsmonitor.cli;

import io.aimsmonitor.AimsMonitorApplication;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The application without a server or schedule, on the service's own database (as configured:
 * application.yaml, environment, or Spring options such as {@code --spring.datasource.url=...}
 * given to the command): what {@code verify}, {@code oscal} and {@code evidence-pack} read from.
 * Nothing is collected or evaluated. The context is the lean one of {@code scan} ({@link OneShotContext}):
 * no web layer, metrics or Quartz, which a command that reads the store and exits never uses.
 */
final class StoreRun implements AutoCloseable {

  private final ConfigurableApplicationContext context;

  private StoreRun(ConfigurableApplicationContext context) {
    this.context = context;
  }

  static StoreRun start(List<String> springArgs) {
    SpringApplication app = new SpringApplication(AimsMonitorApplication.class);
    app.setWebApplicationType(WebApplicationType.NONE);
    app.setLogStartupInfo(false);
    app.setDefaultProperties(Map.of("logging.level.root", "WARN", "logging.level.io.aimsmonitor", "WARN",
        "logging.level.org.springframework.boot.SpringApplication", "OFF"));
    List<String> args = new ArrayList<>(springArgs);
    // last, so they win: a reading command never schedules or collects, and keeps stdout for its output;
    // it starts what scan starts (OneShotContext: no web layer, metrics or Quartz), on the service's database
    args.add("--spring.main.banner-mode=off");
    args.add("--aims.scheduler.enabled=false");
    args.add("--aims.log.console-target=System.err");
    OneShotContext.properties().forEach((key, value) -> args.add("--" + key + "=" + value));
    app.addInitializers(OneShotContext.initializer());
    return new StoreRun(app.run(args.toArray(String[]::new)));
  }

  <T> T bean(Class<T> type) {
    return context.getBean(type);
  }

  @Override
  public void close() {
    context.close();
  }
}
