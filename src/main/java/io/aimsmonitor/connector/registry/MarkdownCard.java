package io.aimsmonitor.connector.registry;

import io.aimsmonitor.fact.ModelVersion.ModelCard;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the model card sections the controls ask for (A.6.2.7: intended use, limitations,
 * metrics, training data) out of Markdown, by heading: a Kubeflow {@code readme}, an MLflow
 * model or version description. Headings follow the Hugging Face / Model Cards templates
 * ("Intended uses &amp; limitations", "Uses", "Bias, Risks, and Limitations", "Evaluation",
 * "Training Data").
 *
 * <p>As in CommonMark: an ATX heading is up to three spaces, one to six {@code #} and a space (or
 * nothing); a closing run of {@code #} is not part of its text ("C#" keeps its {@code #}). A
 * section runs to the next heading of the same or a higher level, sub-headings included. Lines
 * inside a fenced code block (opened by {@code ```} or {@code ~~~}, closed by at least as many of
 * the same character) are text, never headings.
 */
public final class MarkdownCard {

  /** Section keys, as in the {@code model_card.<section>} tag convention. */
  public static final String INTENDED_USE = "intended_use";
  public static final String LIMITATIONS = "limitations";
  public static final String METRICS = "metrics";
  public static final String TRAINING_DATA = "training_data";

  private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})(?:[ \\t]+(.*?))?[ \\t]*$");
  /** A closing sequence: {@code #}s that are the whole text or follow a space. */
  private static final Pattern CLOSING = Pattern.compile("(?:^|[ \\t]+)#+$");
  private static final Pattern FENCE = Pattern.compile("^\\s*(`{3,}|~{3,})(.*)$");
  private static final Pattern LINES = Pattern.compile("\\R");
  /** Emphasis, code and punctuation around heading words: "**Training** _data_:" names training data. */
  private static final Pattern EMPHASIS = Pattern.compile("[*_`:]+");
  private static final Pattern SPACES = Pattern.compile("\\s+");
  /** Heading words per section; each must start a word of the heading: "uses" matches "Intended uses", not "Causes". */
  private static final Map<String, Pattern> SECTION_WORDS = Map.of(
      INTENDED_USE, words("intended use", "uses", "use cases", "direct use"),
      LIMITATIONS, words("limitation", "risks", "bias"),
      METRICS, words("evaluation", "metrics", "results", "performance"),
      TRAINING_DATA, words("training data", "training details", "training dataset"));
  private static final String[] SECTION_ORDER = {INTENDED_USE, LIMITATIONS, METRICS, TRAINING_DATA};

  private MarkdownCard() {}

  /**
   * The card, with a null section when no heading names it and "" when the section is empty.
   *
   * @param url the card's location, kept as {@link ModelCard#url()}
   */
  public static ModelCard parse(String markdown, String url) {
    Map<String, String> sections = sections(markdown);
    return new ModelCard(sections.get(INTENDED_USE), sections.get(LIMITATIONS), sections.get(METRICS),
        sections.get(TRAINING_DATA), url);
  }

  /**
   * The card sections whose headings appear in {@code markdown}, by section key ({@link #INTENDED_USE}
   * ...), in the order of their headings; "" for a section with no text. The first heading naming a
   * section wins; one heading can name two ("Intended uses &amp; limitations"). Empty for null.
   */
  public static Map<String, String> sections(String markdown) {
    Map<String, String> sections = new LinkedHashMap<>();
    if (markdown == null) {
      return sections;
    }
    String[] lines = LINES.split(markdown, -1);
    Fence fence = new Fence();
    for (int i = 0; i < lines.length; i++) {
      if (fence.toggles(lines[i]) || fence.open()) {
        continue;
      }
      Heading heading = Heading.of(lines[i]);
      if (heading == null) {
        continue;
      }
      for (String section : sectionsNamedBy(heading.text())) {
        if (!sections.containsKey(section)) {
          sections.put(section, body(lines, i + 1, heading.level()));
        }
      }
    }
    return sections;
  }

  private static String body(String[] lines, int from, int level) {
    StringBuilder body = new StringBuilder();
    Fence fence = new Fence();
    for (int i = from; i < lines.length; i++) {
      String line = lines[i];
      if (!fence.toggles(line) && !fence.open()) {
        Heading heading = Heading.of(line);
        if (heading != null && heading.level() <= level) {
          break;
        }
      }
      body.append(line).append('\n');
    }
    return body.toString().strip();
  }

  /** The sections a heading names, in {@link #SECTION_ORDER}. */
  private static List<String> sectionsNamedBy(String heading) {
    String h = SPACES.matcher(EMPHASIS.matcher(heading.toLowerCase(Locale.ROOT)).replaceAll(" ")).replaceAll(" ")
        .strip();
    List<String> named = new ArrayList<>(2);
    for (String section : SECTION_ORDER) {
      if (SECTION_WORDS.get(section).matcher(h).find()) {
        named.add(section);
      }
    }
    return named;
  }

  private static Pattern words(String... words) {
    return Pattern.compile("\\b(?:" + String.join("|", words) + ")");
  }

  private record Heading(int level, String text) {
    /** The line as an ATX heading, or null when it is none. */
    static Heading of(String line) {
      Matcher m = HEADING.matcher(line);
      if (!m.matches()) {
        return null;
      }
      String text = m.group(2) == null ? "" : CLOSING.matcher(m.group(2)).replaceFirst("").strip();
      return new Heading(m.group(1).length(), text);
    }
  }

  /** Whether the lines read so far leave a fenced code block open. */
  private static final class Fence {
    private String opener;

    boolean open() {
      return opener != null;
    }

    /** Reads a line; true when it opens or closes a fence (and is then fence, not text). */
    boolean toggles(String line) {
      Matcher m = FENCE.matcher(line);
      if (!m.matches()) {
        return false;
      }
      String run = m.group(1);
      if (opener == null) {
        // an info string after backticks may not hold a backtick (CommonMark): "``` `x` ```" is inline code
        if (run.charAt(0) == '`' && m.group(2).indexOf('`') >= 0) {
          return false;
        }
        opener = run;
        return true;
      }
      if (run.charAt(0) == opener.charAt(0) && run.length() >= opener.length() && m.group(2).isBlank()) {
        opener = null;
        return true;
      }
      return false;
    }
  }
}
