package io.aimsmonitor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.aimsmonitor.schedule.MonitorService;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The README's sample output is the demo's real output: the evaluation summary {@code serve} logs
 * and the start of the {@code scan} table. The blocks between {@code <!-- demo-output:NAME -->} and
 * {@code <!-- /demo-output -->} are generated; this test fails when they drift from the demo, and
 * {@value #REGENERATE} rewrites them (after changing demo data, connectors or rules).
 *
 * <p>The demo's evidence carries fixed dates and some rules read the evaluation time ("quality
 * checks older than N days"), so the demo is evaluated as of {@link #AS_OF}, the date the README names.
 */
class ReadmeDemoOutputTest {

  static final String REGENERATE = "./mvnw -q test -Dtest=ReadmeDemoOutputTest -Daims.regenerate=true";
  static final Instant AS_OF = Instant.parse("2026-12-01T09:00:00Z");
  private static final Path README = Path.of("README.md");
  private static final int SAMPLE_ROWS = 3;
  private static final Pattern BLOCK = Pattern.compile(
      "(<!-- demo-output:([a-z-]+) [^>]*-->\\n)(.*?)(<!-- /demo-output -->)", Pattern.DOTALL);

  @Test
  void theReadmeShowsWhatTheDemoPrints() throws IOException {
    Demo demo = runTheDemo();
    String committed = Files.readString(README);
    Matcher m = BLOCK.matcher(committed);
    StringBuilder generated = new StringBuilder();
    List<String> names = new ArrayList<>();
    while (m.find()) {
      names.add(m.group(2));
      String body = switch (m.group(2)) {
        case "evaluation" -> demo.evaluationLog();
        case "scan" -> demo.scanSample();
        default -> throw new AssertionError("README.md: unknown demo-output block '" + m.group(2) + "'");
      };
      m.appendReplacement(generated, Matcher.quoteReplacement(m.group(1) + "```\n" + body + "```\n" + m.group(4)));
    }
    m.appendTail(generated);
    assertThat(names).as("README.md's generated blocks").containsExactly("evaluation", "scan");
    if (Boolean.getBoolean("aims.regenerate")) {
      Files.writeString(README, generated.toString());
      committed = generated.toString();
    }
    assertEquals(generated.toString(), committed,
        "README.md's demo output is not what the demo prints: regenerate it with " + REGENERATE);
  }

  /** What the demo prints as of {@link #AS_OF}: the evaluation log lines and the scan table. */
  record Demo(String evaluationLog, String scanTable) {
    /** The table's header and first rows, then "...", then its summary after the blank line. */
    String scanSample() {
      List<String> lines = scanTable.lines().toList();
      int blank = lines.indexOf("");
      List<String> sample = new ArrayList<>(lines.subList(0, Math.min(1 + SAMPLE_ROWS, blank)));
      if (blank > 1 + SAMPLE_ROWS) {
        sample.add("...");
      }
      sample.addAll(lines.subList(blank + 1, lines.size()));
      return String.join("\n", sample) + "\n";
    }
  }

  static Demo runTheDemo() {
    ScanOptions options = new ScanOptions();
    options.connectors = Path.of("connectors"); // the folder the jar bundles as its demo
    options.rules = Path.of("rules");
    options.verbose = true;
    Logger monitorLog = (Logger) LoggerFactory.getLogger(MonitorService.class);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    try (ScanRun run = ScanRun.start(options, List.of(evaluatedAsOf(AS_OF)))) {
      monitorLog.addAppender(captured);
      ScanRun.Result result = run.collectAndEvaluate();
      assertThat(result.failures()).as("every demo source collects").isEmpty();
      StringWriter table = new StringWriter();
      ScanCommand.print(run, result, FindingFormat.Format.TABLE, null, new PrintWriter(table, true));
      StringBuilder log = new StringBuilder();
      // this scan's lines only: a Spring context cached by an earlier test class may still be
      // evaluating on its scheduler's threads in this JVM, and logs through the same logger
      String scanThread = Thread.currentThread().getName();
      captured.list.stream().filter(event -> event.getThreadName().equals(scanThread))
          .map(ILoggingEvent::getFormattedMessage)
          .filter(line -> line.startsWith("evaluation:") || line.startsWith("open findings:"))
          .forEach(line -> log.append(line).append('\n'));
      return new Demo(log.toString(), table.toString());
    } finally {
      monitorLog.detachAppender(captured);
    }
  }

  /** Replaces the application's clock with one fixed at {@code instant}. */
  static ApplicationContextInitializer<ConfigurableApplicationContext> evaluatedAsOf(Instant instant) {
    return context -> context.addBeanFactoryPostProcessor(factory -> {
      ((BeanDefinitionRegistry) factory).removeBeanDefinition("clock");
      factory.registerSingleton("clock", Clock.fixed(instant, ZoneOffset.UTC));
    });
  }
}
