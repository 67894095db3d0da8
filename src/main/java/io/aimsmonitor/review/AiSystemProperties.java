package io.aimsmonitor.review;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How registered models are grouped into AI systems, {@code aims.ai-systems.*} (docs/review.md).
 *
 * @param groupBy {@code model} (default: one AI system per registered model) or {@code tag} (models
 *     sharing the value of {@code tag} form one system; a model without the tag is its own)
 * @param tag the model tag naming the AI system in {@code tag} mode
 * @param mapping explicit systems, taking precedence over {@code groupBy}: system id to the model
 *     names it holds ({@code *} stands for any characters), e.g. {@code credit-decisioning: [credit-*]}
 */
@ConfigurationProperties("aims.ai-systems")
public record AiSystemProperties(
    @DefaultValue("model") String groupBy,
    @DefaultValue("aims.system") String tag,
    Map<String, List<String>> mapping) {

  public AiSystemProperties {
    groupBy = groupBy.toLowerCase(Locale.ROOT);
    if (!groupBy.equals("model") && !groupBy.equals("tag")) {
      throw new IllegalStateException("aims.ai-systems.group-by must be model or tag, got '" + groupBy + "'");
    }
    if (tag.isBlank()) {
      throw new IllegalStateException("aims.ai-systems.tag must not be blank");
    }
    mapping = mapping == null ? Map.of() : Map.copyOf(mapping);
    mapping.forEach((system, models) -> {
      if (models == null || models.isEmpty() || models.stream().anyMatch(m -> m == null || m.isBlank())) {
        throw new IllegalStateException("aims.ai-systems.mapping." + system + " must list model names or patterns");
      }
    });
  }

  public static AiSystemProperties defaults() {
    return new AiSystemProperties("model", "aims.system", Map.of());
  }
}
