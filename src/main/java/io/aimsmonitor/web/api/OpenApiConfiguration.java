package io.aimsmonitor.web.api;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI description ({@code /v3/api-docs}) and its browsable page ({@code /swagger-ui.html}),
 * by springdoc. Endpoints that take the findings filters as one map get each filter listed from
 * {@link FindingParameters}, so the description cannot drift from what the API accepts.
 */
@Configuration(proxyBeanMethods = false)
public class OpenApiConfiguration {

  @Bean
  OpenAPI aimsOpenApi() {
    return new OpenAPI().info(new Info().title("aims-monitor API")
        .description("ISO/IEC 42001 findings, controls, connectors and rule packs. Errors are RFC 9457 problem details"
            + " (application/problem+json); a bad query parameter is a 400 whose `parameter` names it.")
        .license(new License().name("Apache-2.0")));
  }

  @Bean
  OperationCustomizer findingFilterParameters() {
    return (operation, handler) -> {
      if (handler.hasMethodAnnotation(FindingFilterParameters.class)) {
        for (FindingParameters.Filter f : FindingParameters.FILTERS) {
          Parameter p = new Parameter().in("query").name(f.name()).description(f.description()).required(false);
          p.schema(f.repeatable() ? new ArraySchema().items(new StringSchema()) : new StringSchema());
          if (f.repeatable()) {
            p.explode(true);
          }
          operation.addParametersItem(p);
        }
      }
      return operation;
    };
  }
}
