package io.aimsmonitor.fact;

import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;

/**
 * One line for a JSON or YAML parse error, for every message that quotes one (connector files,
 * rule packs and rule tests, waiver files, inventories). The YAML parser's own message spans
 * several lines with a source excerpt and a caret; printed as it is, it breaks the CLI's
 * one-problem-per-line output and log lines. Here: {@code line 3, column 1: while parsing a flow
 * sequence; expected ',' or ']', but got <stream end>}. Lives in {@code fact}, the package every
 * reader of user files already uses.
 */
public final class ParseErrors {

  private ParseErrors() {}

  public static String oneLine(JacksonException e) {
    String original = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
    String text = original.lines()
        .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
        .map(String::strip)
        .collect(Collectors.joining("; "));
    if (text.isEmpty()) {
      text = original.strip().replaceAll("\\s+", " ");
    }
    TokenStreamLocation at = e.getLocation();
    return at == null || at.getLineNr() < 1 ? text : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": " + text;
  }
}
