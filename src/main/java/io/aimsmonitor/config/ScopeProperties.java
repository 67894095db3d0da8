package io.aimsmonitor.config;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which model versions are inside the AIMS scope ({@code aims.scope.*}, see docs/scope.md). A
 * version is in scope when every configured condition holds; with nothing configured, every
 * version is, except those tagged {@code aims.scope=out}.
 *
 * @param registries registry names (mlflow, sagemaker, huggingface...); empty means any
 * @param include model name globs ({@code *} and {@code ?}, ignoring case); empty means any name
 * @param exclude model name globs that take a model out of scope even when included
 * @param requiredTags tags a version must carry: {@code key=value}, or {@code key} for any non-blank value
 * @param excludedTags tags that take a version out of scope, in the same form
 */
@ConfigurationProperties("aims.scope")
public record ScopeProperties(
    @DefaultValue List<String> registries,
    @DefaultValue List<String> include,
    @DefaultValue List<String> exclude,
    @DefaultValue List<String> requiredTags,
    @DefaultValue("aims.scope=out") List<String> excludedTags) {

  public ScopeProperties {
    registries = registries == null ? List.of() : List.copyOf(registries);
    include = include == null ? List.of() : List.copyOf(include);
    exclude = exclude == null ? List.of() : List.copyOf(exclude);
    requiredTags = requiredTags == null ? List.of() : List.copyOf(requiredTags);
    excludedTags = excludedTags == null ? List.of() : List.copyOf(excludedTags);
  }

  /** Everything in scope but versions tagged {@code aims.scope=out}: the defaults. */
  public static ScopeProperties defaults() {
    return new ScopeProperties(List.of(), List.of(), List.of(), List.of(), List.of("aims.scope=out"));
  }
}
