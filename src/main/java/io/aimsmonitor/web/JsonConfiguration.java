package io.aimsmonitor.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JacksonModule;

/** The service's JSON mapper (Spring Boot's, which registers every {@link JacksonModule} bean). */
@Configuration(proxyBeanMethods = false)
public class JsonConfiguration {

  @Bean
  JacksonModule isoInstants() {
    return IsoInstantSerializer.module();
  }
}
