package io.aimsmonitor.web.ui;

import io.aimsmonitor.store.FindingActivity;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The read models only the web UI needs. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class UiConfiguration {

  @Bean
  FindingActivity findingActivity(JdbcClient jdbc) {
    return new FindingActivity(jdbc);
  }
}
