package io.aimsmonitor.web.security;

import io.aimsmonitor.audit.AuditLog;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * The stores behind access control and the audit log, in every mode (also {@code scan}, where no
 * one logs in: defining the user store there keeps Spring Boot from creating its own default user).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SecurityProperties.class)
public class SecurityBeans {

  @Bean
  PasswordEncoder passwordEncoder() {
    return PasswordEncoderFactories.createDelegatingPasswordEncoder();
  }

  @Bean
  LocalUsers localUsers(JdbcClient jdbc, PasswordEncoder encoder, Clock clock, SecurityProperties props) {
    return new LocalUsers(jdbc, encoder, clock, props.localUsers());
  }

  @Bean
  ApiTokens apiTokens(JdbcClient jdbc, Clock clock, SecurityProperties props) {
    return new ApiTokens(jdbc, clock, props.tokens().cacheFor());
  }

  @Bean
  AuditLog auditLog(JdbcTemplate template, Clock clock) {
    return new AuditLog(template, clock);
  }
}
