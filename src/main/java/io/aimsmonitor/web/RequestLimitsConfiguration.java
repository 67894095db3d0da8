package io.aimsmonitor.web;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The request-size guard of the API ({@link JsonBodyLimitFilter}). */
@Configuration(proxyBeanMethods = false)
public class RequestLimitsConfiguration {

  /**
   * After Spring Security's filters (order -100): an unauthenticated caller gets 401 without the
   * service reading a byte of its body, an authenticated one 413 once the body passes the limit.
   */
  @Bean
  FilterRegistrationBean<JsonBodyLimitFilter> jsonBodyLimitFilter(RequestLimitProperties limits) {
    FilterRegistrationBean<JsonBodyLimitFilter> registration = new FilterRegistrationBean<>(new JsonBodyLimitFilter(limits));
    registration.setOrder(0);
    return registration;
  }
}
