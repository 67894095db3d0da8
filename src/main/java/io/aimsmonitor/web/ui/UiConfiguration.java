package io.aimsmonitor.web.ui;

import io.aimsmonitor.store.FindingActivity;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The read models only the web UI needs. Not conditional on a web application: the UI's
 * controllers are component-scanned in every context (also {@code WebEnvironment.NONE} tests such
 * as ServeOnPostgresTest), so the beans they need must be there too.
 */
@Configuration(proxyBeanMethods = false)
public class UiConfiguration {

  @Bean
  FindingActivity findingActivity(JdbcClient jdbc) {
    return new FindingActivity(jdbc);
  }
}
