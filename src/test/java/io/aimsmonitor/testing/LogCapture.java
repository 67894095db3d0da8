package io.aimsmonitor.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * What one logger logs while this is open, at {@code level} and above; closing restores the logger.
 * For tests that check that a warning names what is at fault:
 * <pre>
 * try (LogCapture logs = LogCapture.of(CompiledPackCache.class, Level.WARN)) { ... }
 * assertThat(logs.events()).anySatisfy(...);
 * </pre>
 */
public final class LogCapture implements AutoCloseable {

  private final Logger logger;
  private final Level before;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture(Class<?> type, Level level) {
    this.logger = (Logger) LoggerFactory.getLogger(type);
    this.before = logger.getLevel();
    logger.setLevel(level);
    logger.addAppender(appender);
    appender.start();
  }

  public static LogCapture of(Class<?> type, Level level) {
    return new LogCapture(type, level);
  }

  /** The events captured so far (and after closing, all of them). */
  public List<ILoggingEvent> events() {
    return appender.list;
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    logger.setLevel(before);
  }
}
