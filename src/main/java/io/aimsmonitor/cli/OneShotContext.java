package io.aimsmonitor.cli;

import io.aimsmonitor.AimsMonitorApplication;
import io.prometheus.metrics.model.registry.MultiCollector;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.LazyInitializationExcludeFilter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.index.CandidateComponentsIndex;
import org.springframework.core.type.MethodMetadata;
import org.springframework.core.type.classreading.MetadataReader;
import org.springframework.core.type.classreading.MetadataReaderFactory;

/**
 * What the Spring context of a one-shot command ({@code scan}, {@code controls --scan}) starts: the
 * application's own beans up front, as {@code serve} creates them (so a bad setting, connector file
 * or rule pack fails the command at start, in the same order; every {@code aims.*} settings record
 * among them), and everything else only when one of ours needs it. Spring Boot's actuator, Micrometer meter binders, task executors and the like
 * cost seconds to create and are never read by a command that prints its result and exits.
 *
 * <p>Never created: the web layer ({@code io.aimsmonitor.web}: controllers, UI pages, security),
 * which has no server to answer, and the Prometheus collectors ({@code io.aimsmonitor.metrics},
 * {@code ShadowMetrics}), which only {@code /actuator/prometheus} reads. The web layer's and the
 * metrics' classes are not even defined as beans ({@link #notDefined()}: parsing their
 * configuration, Spring Security's and springdoc's imports among them, and deciding their conditions
 * cost start-up time for nothing), except their settings records. Spring Boot's auto-configurations
 * for what a command without a server never uses ({@link #EXCLUDED_AUTO_CONFIGURATION}: actuator,
 * health, Micrometer, security, servlet and MVC, Thymeleaf, Quartz) are left out before their
 * conditions are read. The Quartz scheduler is not configured at all: a command never starts it, and
 * Spring would create it (a lifecycle bean) even when lazy.
 */
final class OneShotContext {

  private OneShotContext() {}

  /**
   * The packages of the auto-configurations a one-shot command leaves out: the actuator and its
   * health and metrics, observation, security (web and OAuth2), the servlet container, MVC and
   * springdoc, Thymeleaf, message converters for a server, JMX administration, and Quartz.
   */
  static final List<String> EXCLUDED_AUTO_CONFIGURATION = List.of(
      "org.springframework.boot.actuate.", "org.springframework.boot.health.", "org.springframework.boot.micrometer.",
      "org.springframework.boot.jdbc.autoconfigure.health.", "org.springframework.boot.jdbc.autoconfigure.metrics.",
      "org.springframework.boot.security.", "org.springframework.boot.servlet.", "org.springframework.boot.tomcat.",
      "org.springframework.boot.webmvc.", "org.springdoc.", "org.springframework.boot.thymeleaf.",
      "org.springframework.boot.http.converter.", "org.springframework.boot.autoconfigure.admin.",
      "org.springframework.boot.autoconfigure.jmx.", "org.springframework.boot.quartz.");

  /** Settings for the command's context, as command-line arguments so that they outrank the user's. */
  static Map<String, String> properties() {
    return Map.of(
        "spring.main.lazy-initialization", "true",
        "spring.autoconfigure.exclude", String.join(",", excludedAutoConfiguration()));
  }

  /** The auto-configurations on the class path in {@link #EXCLUDED_AUTO_CONFIGURATION}'s packages. */
  static List<String> excludedAutoConfiguration() {
    List<String> out = ImportCandidates.load(AutoConfiguration.class, OneShotContext.class.getClassLoader()).getCandidates()
        .stream().filter(c -> EXCLUDED_AUTO_CONFIGURATION.stream().anyMatch(c::startsWith)).collect(Collectors.toList());
    return List.copyOf(out);
  }

  /** The application's package, which {@code @SpringBootApplication} and {@code @ConfigurationPropertiesScan} scan. */
  static final String BASE_PACKAGE = AimsMonitorApplication.class.getPackageName();

  /** The list {@link #componentIndex()} reads: class name = the stereotypes a scan finds it by. */
  static final String COMPONENT_INDEX = "META-INF/aims-monitor/one-shot-components.properties";

  /**
   * What the two class-path scans of {@link #BASE_PACKAGE} would find, so that Spring reads the 64
   * classes listed instead of all 660 class files of the package, twice (the component scan, then the
   * settings records' scan with a reader cache of its own): about 0.1 s of the main thread's start
   * (issue #14, docs/benchmarks.md "Start-up of {@code scan}: the class archive's relocation").
   * Spring still reads each listed class and applies the scans' own filters ({@link #notDefined()}
   * among them), so the index only spares the files that hold no candidate. {@code OneShotContextTest}
   * checks the list against real scans. Empty when the list is missing: the scans then run as usual.
   */
  static Optional<CandidateComponentsIndex> componentIndex() {
    Properties listed = new Properties();
    try (InputStream in = OneShotContext.class.getClassLoader().getResourceAsStream(COMPONENT_INDEX)) {
      if (in == null) {
        return Optional.empty();
      }
      listed.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + COMPONENT_INDEX, e);
    }
    CandidateComponentsIndex index = new CandidateComponentsIndex();
    index.registerScan(BASE_PACKAGE);
    listed.stringPropertyNames().forEach(type -> index.registerCandidateType(type, listed.getProperty(type).split(",")));
    return Optional.of(index);
  }

  /** Registers {@link #eagerBeans()} and {@link #notDefined()} with the context before it is refreshed. */
  static ApplicationContextInitializer<ConfigurableApplicationContext> initializer() {
    return context -> {
      context.getBeanFactory().registerSingleton("oneShotEagerBeans", eagerBeans());
      context.getBeanFactory().registerSingleton("oneShotNotDefined", notDefined());
    };
  }

  /**
   * Component scanning leaves out the classes this filter matches: the web layer's and the metrics'
   * (but not their {@code @ConfigurationProperties} records, which {@code @ConfigurationPropertiesScan}
   * finds and binds as always). Spring Boot's {@code @SpringBootApplication} scan consults every
   * {@link TypeExcludeFilter} bean of the context.
   */
  static TypeExcludeFilter notDefined() {
    return new TypeExcludeFilter() {
      @Override
      public boolean match(MetadataReader reader, MetadataReaderFactory factory) throws IOException {
        return notDefined(reader.getClassMetadata().getClassName(),
            reader.getAnnotationMetadata().hasAnnotation(ConfigurationProperties.class.getName()));
      }
    };
  }

  static boolean notDefined(String className, boolean settingsRecord) {
    return !settingsRecord && (className.startsWith("io.aimsmonitor.web.") || className.startsWith("io.aimsmonitor.metrics."));
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
