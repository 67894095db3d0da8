package io.aimsmonitor.connector.kubeflow;

import io.aimsmonitor.fact.ModelVersion.ModelCard;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the model card sections the controls ask for (A.6.2.7: intended use, limitations,
 * metrics, training data) out of a Markdown model card such as a Kubeflow {@code readme}, by
 * heading. Headings follow the Hugging Face / Model Cards templates ("Intended uses &amp;
 * limitations", "Uses", "Bias, Risks, and Limitations", "Evaluation", "Training Data"); a
 * section runs to the next heading of the same or a higher level, sub-headings included.
 */
final class MarkdownCard {

  private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*?)\\s*#*\\s*$");

  private MarkdownCard() {}

  /** The card, with a null section when no heading names it and "" when the section is empty. */
  static ModelCard parse(String markdown, String url) {
    Map<Section, String> found = new LinkedHashMap<>();
    String[] lines = markdown.split("\\R", -1);
    boolean inFence = false;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.stripLeading().startsWith("```")) {
        inFence = !inFence;
        continue;
      }
      Matcher heading = inFence ? null : HEADING.matcher(line);
      if (heading == null || !heading.matches()) {
        continue;
      }
      int level = heading.group(1).length();
      String title = heading.group(2).toLowerCase(Locale.ROOT);
      for (Section section : Section.values()) {
        if (!found.containsKey(section) && section.matches(title)) {
          found.put(section, body(lines, i + 1, level));
        }
      }
    }
    return new ModelCard(found.get(Section.INTENDED_USE), found.get(Section.LIMITATIONS), found.get(Section.METRICS),
        found.get(Section.TRAINING_DATA), url);
  }

  private static String body(String[] lines, int from, int level) {
    StringBuilder out = new StringBuilder();
    boolean inFence = false;
    for (int i = from; i < lines.length; i++) {
      String line = lines[i];
      if (line.stripLeading().startsWith("```")) {
        inFence = !inFence;
      } else if (!inFence) {
        Matcher heading = HEADING.matcher(line);
        if (heading.matches() && heading.group(1).length() <= level) {
          break;
        }
      }
      out.append(line).append('\n');
    }
    return out.toString().strip();
  }

  private enum Section {
    INTENDED_USE("intended use", "uses", "use cases", "direct use"),
    LIMITATIONS("limitation", "risks", "bias"),
    METRICS("evaluation", "metrics", "results", "performance"),
    TRAINING_DATA("training data", "training details", "training dataset");

    private final Pattern words;

    /** Each word must start a word of the heading: "uses" matches "Intended uses", not "Causes". */
    Section(String... words) {
      this.words = Pattern.compile("\\b(?:" + String.join("|", words) + ")");
    }

    boolean matches(String title) {
      return words.matcher(title).find();
    }
  }
}
