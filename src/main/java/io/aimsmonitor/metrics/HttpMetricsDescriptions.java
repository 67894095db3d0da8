package io.aimsmonitor.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Gives Spring's {@code http.server.requests} timer the help text it lacks. Without it
 * {@code promtool check metrics} reports "no help text" as soon as the first request has been
 * served, and the whole scrape is meant to lint clean (see {@link MetricsConfiguration}). Kept,
 * unlike the meters denied there, because request latency of the REST API is worth having.
 */
@Configuration(proxyBeanMethods = false)
public class HttpMetricsDescriptions {

  static final String HTTP_SERVER_REQUESTS = "http.server.requests";

  @Bean
  MeterFilter describeHttpServerRequests() {
    return new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        if (HTTP_SERVER_REQUESTS.equals(id.getName()) && id.getDescription() == null) {
          return new Meter.Id(id.getName(), Tags.of(id.getTagsAsIterable()), id.getBaseUnit(),
              "Duration of HTTP requests handled by aims-monitor (REST API, Actuator)", id.getType());
        }
        return id;
      }
    };
  }
}
