package io.aimsmonitor.config;

import io.aimsmonitor.AimsMonitorApplication;
import io.aimsmonitor.connector.ConfigException;
import io.aimsmonitor.connector.ConnectorInstances;
import io.aimsmonitor.connector.ConnectorTypes;
import io.aimsmonitor.demo.DemoServers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.env.Environment;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * What {@code serve} checks before it starts anything, so that a bad configuration is reported in
 * a few lines naming the file (or source) and key, instead of as Spring's failure report with a
 * stack trace: every {@code aims.*} settings record binds (a wrong type, an invalid value), the
 * connectors and rules folders exist, and every connector file is valid. Rule packs are not
 * checked here: a broken pack is rejected alone at start and reload, and the service serves the others.
 */
public final class StartupCheck {

  private StartupCheck() {}

  /** The problems found, one line each; empty when {@code serve} may start. */
  public static List<String> problems(Environment env) {
    List<String> problems = new ArrayList<>();
    Binder binder = Binder.get(env);
    AimsProperties aims = null;
    for (Class<?> type : settingsTypes()) {
      ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
      String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
      try {
        Object bound = binder.bindOrCreate(prefix, type);
        if (bound instanceof AimsProperties a) {
          aims = a;
        }
      } catch (BindException e) {
        problems.add(describe(e));
      }
    }
    if (aims == null) {
      return problems; // the folders below depend on settings that did not bind
    }
    if (aims.rulesDir() != null) {
      try {
        Workspace.rules(aims.rulesDir(), aims.dataDir());
      } catch (IllegalStateException e) {
        problems.add(e.getMessage());
      }
    }
    // the bundled demo connectors are checked by the build; only the user's own are read here,
    // so that the check extracts nothing
    if (aims.connectorsDir() != null || java.nio.file.Files.isDirectory(java.nio.file.Path.of("connectors"))) {
      try {
        ConnectorInstances.load(Workspace.connectors(aims.connectorsDir(), aims.dataDir()), ConnectorTypes.discover(),
            DemoServers.names(), c -> c);
      } catch (ConfigException e) {
        problems.addAll(e.problems());
      } catch (IllegalStateException | java.io.UncheckedIOException e) {
        problems.add(e.getMessage());
      }
    }
    return problems;
  }

  /** {@code <where it was set>: <key>: <why>}, e.g. {@code class path resource [application.yaml] - 12:5: aims.scheduler.max-concurrent-collections: ...}. */
  static String describe(BindException e) {
    ConfigurationProperty property = e.getProperty();
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String why = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    if (property == null) {
      return e.getName() + ": " + why;
    }
    String origin = property.getOrigin() == null ? "" : property.getOrigin() + ": ";
    return origin + property.getName() + ": invalid value '" + property.getValue() + "': " + firstLine(why);
  }

  private static String firstLine(String s) {
    int end = s.indexOf('\n');
    return (end < 0 ? s : s.substring(0, end)).strip();
  }

  /** Every settings record of ours: found by annotation, so a new one is checked without a change here. */
  static List<Class<?>> settingsTypes() {
    ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
    scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
    List<Class<?>> types = new ArrayList<>();
    for (BeanDefinition candidate : scanner.findCandidateComponents(AimsMonitorApplication.class.getPackageName())) {
      types.add(ClassUtils.resolveClassName(candidate.getBeanClassName(), StartupCheck.class.getClassLoader()));
    }
    types.sort(java.util.Comparator.comparing(c -> c.getName().toLowerCase(Locale.ROOT)));
    return types;
  }
}
