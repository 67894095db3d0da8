package io.aimsmonitor.connector.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.connector.CollectionResult;
import io.aimsmonitor.connector.CollectionRunner;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorType;
import io.aimsmonitor.connector.ConnectorTypes;
import io.aimsmonitor.connector.http.Secrets;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.FactJson;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** An Error thrown inside a connector (here a stack overflow after it pushed facts) is a failed run, not a lost one. */
class ConnectorErrorTest {

  @Test
  void anErrorInsideAConnectorIsRecordedAsAFailedRunWithItsReason() {
    ConnectorType exploding = new ConnectorType() {
      @Override
      public String name() {
        return "exploding";
      }

      @Override
      public Set<Class<? extends Fact>> provides(ConnectorConfig config) {
        return Set.of();
      }

      @Override
      public io.aimsmonitor.connector.Connector create(ConnectorConfig config) {
        return context -> {
          context.sink().accept(FactJson.readList("""
              [{"kind":"ModelVersion","source":"x","registry":"mlflow","modelName":"m","version":"1"}]""").get(0));
          recurse(0);
        };
      }
    };
    ConnectorConfig config = new ConnectorConfig("x", "exploding", null, null, "0 0 * * * ?", Duration.ofHours(1),
        Duration.ofDays(1), true, null, Map.of(), Path.of("connectors/x.yaml"));
    CollectionResult result = new CollectionRunner(new ConnectorTypes(List.of(exploding)), new Secrets(Map.of()),
        Clock.systemUTC()).run(config, List.of(), true, () -> false);
    assertThat(result.succeeded()).isFalse();
    assertThat(result.errorReason()).isEqualTo("internal");
    assertThat(result.error()).contains("connector 'x'").contains("StackOverflowError");
    assertThat(result.facts()).isEmpty();
  }

  private static int recurse(int depth) {
    return recurse(depth + 1) + 1;
  }
}
