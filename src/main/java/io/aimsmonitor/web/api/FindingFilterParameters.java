package io.aimsmonitor.web.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an endpoint that takes the {@link FindingParameters} filters from its query, so that the
 * OpenAPI description lists each filter (see {@link OpenApiConfiguration}) though the method
 * receives them as one map.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface FindingFilterParameters {}
