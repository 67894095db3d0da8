package io.aimsmonitor.cli;

import io.prometheus.metrics.model.registry.MultiCollector;
import java.util.Map;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.LazyInitializationExcludeFilter;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.type.MethodMetadata;

/**
 * What the Spring context of a one-shot command ({@code scan}, {@code controls --scan}) starts: the
 * application's own beans up front, as {@code serve} creates them (so a bad setting, connector file
 * or rule pack fails the command at start, in the same order; every {@code aims.*} settings record
 * among them), and everything else only when one of ours needs it. Spring Boot's actuator, Micrometer meter binders, task executors and the like
 * cost seconds to create and are never read by a command that prints its result and exits.
 *
 * <p>Never created: the web layer ({@code io.aimsmonitor.web}: controllers, UI pages, security),
 * which has no server to answer, and the Prometheus collectors ({@code io.aimsmonitor.metrics},
 * {@code ShadowMetrics}), which only {@code /actuator/prometheus} reads. The Quartz scheduler is not
 * configured at all: a command never starts it, and Spring would create it (a lifecycle bean) even
 * when lazy.
 */
final class OneShotContext {

  private OneShotContext() {}

  /** Settings for the command's context, as command-line arguments so that they outrank the user's. */
  static Map<String, String> properties() {
    return Map.of(
        "spring.main.lazy-initialization", "true",
        "spring.autoconfigure.exclude", "org.springframework.boot.quartz.autoconfigure.QuartzAutoConfiguration");
  }

  /** Registers {@link #eagerBeans()} with the context before it is refreshed. */
  static ApplicationContextInitializer<ConfigurableApplicationContext> initializer() {
    return context -> context.getBeanFactory().registerSingleton("oneShotEagerBeans", eagerBeans());
  }

  /** Lazy initialization leaves out the beans this filter matches: those created up front. */
  static LazyInitializationExcludeFilter eagerBeans() {
    return (name, definition, type) -> createdUpFront(origin(definition, type), type);
  }

  static boolean createdUpFront(String origin, Class<?> type) {
    if (origin == null || !origin.startsWith("io.aimsmonitor.")) {
      return false;
    }
    if (type != null && type.isAnnotationPresent(ConfigurationProperties.class)) {
      return true; // every aims.* settings record binds and validates at start, as with serve, the web's too
    }
    return !origin.startsWith("io.aimsmonitor.web.") && !origin.startsWith("io.aimsmonitor.metrics.")
        && (type == null || !MultiCollector.class.isAssignableFrom(type));
  }

  /** The class that declares a bean: a {@code @Bean} method's configuration class, else the bean's own class. */
  private static String origin(BeanDefinition definition, Class<?> type) {
    if (definition instanceof AnnotatedBeanDefinition annotated) {
      MethodMetadata factoryMethod = annotated.getFactoryMethodMetadata();
      if (factoryMethod != null) {
        return factoryMethod.getDeclaringClassName();
      }
    }
    String className = definition.getBeanClassName();
    return className != null ? className : type == null ? null : type.getName();
  }
}
