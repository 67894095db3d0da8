package io.aimsmonitor.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits on what a request may send to the API.
 *
 * @param maxJsonBody the largest JSON request body any endpoint reads (comments, waivers, bulk
 *     actions, users, tokens); a larger one is answered 413 before it reaches a controller. The
 *     OpenLineage endpoint keeps its own per-source limit ({@code maxEventBytes}).
 */
@ConfigurationProperties("aims.api")
public record RequestLimitProperties(@DefaultValue("1MB") DataSize maxJsonBody) {

  public RequestLimitProperties {
    if (maxJsonBody.toBytes() < 1024) {
      throw new IllegalArgumentException("aims.api.max-json-body must be at least 1KB, got " + maxJsonBody);
    }
  }
}
