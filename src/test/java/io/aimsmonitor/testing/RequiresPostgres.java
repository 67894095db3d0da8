package io.aimsmonitor.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class that needs the PostgreSQL server of {@code AIMS_TEST_POSTGRES_URL}: skipped with
 * the reason shown when it is not set, and failing under {@code CI=true}, where it must run.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresPostgres.Condition.class)
public @interface RequiresPostgres {

  final class Condition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      String url = System.getenv(TestDatabases.POSTGRES_URL_ENV);
      if (url != null && !url.isBlank()) {
        return ConditionEvaluationResult.enabled(TestDatabases.POSTGRES_URL_ENV + " is set");
      }
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException(TestDatabases.POSTGRES_URL_ENV
            + " is not set, but CI=true requires the PostgreSQL tests to run");
      }
      return ConditionEvaluationResult.disabled("PostgreSQL tests skipped: set " + TestDatabases.POSTGRES_URL_ENV
          + " (e.g. jdbc:postgresql://127.0.0.1:5432/test?user=postgres) to run them");
    }
  }
}
