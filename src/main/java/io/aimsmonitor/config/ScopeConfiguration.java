package io.aimsmonitor.config;

import io.aimsmonitor.fact.Fact;
import java.util.List;
import java.util.function.UnaryOperator;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Registers the AIMS scope selector that {@link AimsConfiguration#monitorService} applies to the facts. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ScopeProperties.class)
public class ScopeConfiguration {

  @Bean
  UnaryOperator<List<Fact>> aimsScope(ScopeProperties properties) {
    return new AimsScope(properties);
  }
}
