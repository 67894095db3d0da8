package io.aimsmonitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.config.AimsConfiguration;
import io.aimsmonitor.config.AimsProperties;
import io.aimsmonitor.metrics.AimsMetrics;
import io.aimsmonitor.metrics.MetricsConfiguration;
import io.aimsmonitor.rules.RuleBook;
import io.aimsmonitor.schedule.MonitorService;
import io.aimsmonitor.shadow.ShadowConfiguration;
import io.aimsmonitor.shadow.ShadowMetrics;
import io.aimsmonitor.web.api.FindingsController;
import io.aimsmonitor.web.security.SecurityProperties;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.context.index.CandidateComponentsIndex;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.stereotype.Component;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** The context of {@code scan}: what it creates up front, what only on demand, and what never. */
class OneShotContextTest {

  @Test
  void theApplicationsOwnBeansAndEverySettingsRecordAreCreatedUpFront() {
    assertThat(OneShotContext.createdUpFront(AimsConfiguration.class.getName(), RuleBook.class)).isTrue();
    assertThat(OneShotContext.createdUpFront(ShadowConfiguration.class.getName(), null)).isTrue();
    assertThat(OneShotContext.createdUpFront(AimsProperties.class.getName(), AimsProperties.class)).isTrue();
    // a settings record of the web layer still binds and validates, as serve would
    assertThat(OneShotContext.createdUpFront(SecurityProperties.class.getName(), SecurityProperties.class)).isTrue();
  }

  @Test
  void theWebLayerMetricsAndEveryoneElsesBeansWaitUntilNeeded() {
    assertThat(OneShotContext.createdUpFront(FindingsController.class.getName(), FindingsController.class)).isFalse();
    assertThat(OneShotContext.createdUpFront(MetricsConfiguration.class.getName(), AimsMetrics.class)).isFalse();
    assertThat(OneShotContext.createdUpFront(ShadowConfiguration.class.getName(), ShadowMetrics.class)).isFalse();
    assertThat(OneShotContext.createdUpFront("org.springframework.boot.actuate.autoconfigure.Some", Object.class)).isFalse();
    assertThat(OneShotContext.createdUpFront(null, null)).isFalse();
  }

  @Test
  void theWebLayerAndTheMetricsAreNotEvenDefinedButTheirSettingsRecordsAre() {
    assertThat(OneShotContext.notDefined(FindingsController.class.getName(), false)).isTrue();
    assertThat(OneShotContext.notDefined(MetricsConfiguration.class.getName(), false)).isTrue();
    assertThat(OneShotContext.notDefined(SecurityProperties.class.getName(), true)).isFalse();
    assertThat(OneShotContext.notDefined(AimsConfiguration.class.getName(), false)).isFalse();
    assertThat(OneShotContext.notDefined(MonitorService.class.getName(), false)).isFalse();
  }

  @Test
  void autoConfigurationForAServerIsLeftOutAndWhatTheCommandRunsOnIsKept() {
    List<String> excluded = OneShotContext.excludedAutoConfiguration();
    assertThat(excluded).contains("org.springframework.boot.quartz.autoconfigure.QuartzAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
        "org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration");
    assertThat(excluded).doesNotContain("org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
        "org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration",
        "org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration");
    assertThat(excluded).allMatch(c -> c.startsWith("org.springdoc.") || c.startsWith("org.springframework.boot."));
  }

  @Test
  void scanStartsNoServerSchedulerControllerOrCollectorAndStillScans() {
    AtomicReference<ConfigurableApplicationContext> started = new AtomicReference<>();
    try (ScanRun run = ScanRun.start(new ScanOptions(), List.of(started::set))) {
      ConfigurableApplicationContext context = started.get();
      ConfigurableListableBeanFactory beans = context.getBeanFactory();
      assertThat(context).isNotInstanceOf(WebServerApplicationContext.class);
      assertThat(beans.getBeanNamesForType(org.quartz.Scheduler.class, true, false)).as("Quartz").isEmpty();
      assertThat(beans.getBeanNamesForType(FindingsController.class, true, false)).as("controllers, not even defined").isEmpty();
      assertThat(beans.getBeanNamesForType(AimsMetrics.class, true, false)).as("our metrics, not even defined").isEmpty();
      assertThat(created(beans, ShadowMetrics.class)).as("collectors").isEmpty();
      assertThat(created(beans, AimsMetrics.class)).as("collectors").isEmpty();
      // what the command runs on is there, settings bound
      assertThat(created(beans, MonitorService.class)).hasSize(1);
      assertThat(created(beans, RuleBook.class)).hasSize(1);
      assertThat(created(beans, SecurityProperties.class)).hasSize(1);

      ScanRun.Result result = run.collectAndEvaluate();
      assertThat(result.complete()).isTrue();
      assertThat(run.openFindings()).isNotEmpty();
    }
  }

  /** The beans of a type that were instantiated (not just defined). */
  private static List<String> created(ConfigurableListableBeanFactory beans, Class<?> type) {
    return Arrays.stream(beans.getBeanNamesForType(type, true, false)).filter(beans::containsSingleton).toList();
  }

  /**
   * The one-shot context's component index lists exactly what the two real scans of the package find,
   * by the same stereotypes: a component or settings record added without it would be missing from
   * {@code scan}. On failure the message holds the lines the list should have.
   */
  @Test
  void theComponentIndexListsWhatTheRealScansFind() {
    Map<String, Set<String>> scanned = new TreeMap<>();
    ClassPathScanningCandidateComponentProvider components = new ClassPathScanningCandidateComponentProvider(true);
    ClassPathScanningCandidateComponentProvider settings = new ClassPathScanningCandidateComponentProvider(false);
    settings.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
    components.findCandidateComponents(OneShotContext.BASE_PACKAGE).stream().filter(OneShotContextTest::inTheJar)
        .forEach(d -> scanned.computeIfAbsent(d.getBeanClassName(), k -> new TreeSet<>()).add(Component.class.getName()));
    settings.findCandidateComponents(OneShotContext.BASE_PACKAGE).stream().filter(OneShotContextTest::inTheJar)
        .forEach(d -> scanned.computeIfAbsent(d.getBeanClassName(), k -> new TreeSet<>())
            .add(ConfigurationProperties.class.getName()));
    assertThat(scanned).as("what the scans find").hasSizeGreaterThan(50);

    CandidateComponentsIndex index = OneShotContext.componentIndex().orElseThrow();
    Map<String, Set<String>> indexed = new TreeMap<>();
    for (String stereotype : List.of(Component.class.getName(), ConfigurationProperties.class.getName())) {
      index.getCandidateTypes(OneShotContext.BASE_PACKAGE, stereotype)
          .forEach(type -> indexed.computeIfAbsent(type, k -> new TreeSet<>()).add(stereotype));
    }
    String expected = scanned.entrySet().stream().map(e -> e.getKey() + "=" + String.join(",", e.getValue()))
        .collect(Collectors.joining("\n"));
    assertThat(indexed).as("src/main/resources/" + OneShotContext.COMPONENT_INDEX + " should list:\n" + expected)
        .isEqualTo(scanned);
    assertThat(index.hasScannedPackage(OneShotContext.BASE_PACKAGE)).isTrue();
  }

  /** A scanned class of the application itself, not one of the tests' (their class folder is on this class path too). */
  private static boolean inTheJar(BeanDefinition definition) {
    try {
      String main = OneShotContext.class.getProtectionDomain().getCodeSource().getLocation().toString();
      return ((AbstractBeanDefinition) definition).getResource().getURL().toString().startsWith(main);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
