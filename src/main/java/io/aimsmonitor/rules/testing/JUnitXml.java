package io.aimsmonitor.rules.testing;

import io.aimsmonitor.rules.Violation;
import io.aimsmonitor.rules.testing.RuleTestReport.CaseResult;
import io.aimsmonitor.rules.testing.RuleTestReport.Outcome;
import io.aimsmonitor.rules.testing.RuleTestReport.PackReport;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Writes a {@link RuleTestReport} in the JUnit XML form CI systems read (GitHub, GitLab, Jenkins):
 * one {@code testsuite} per pack, one {@code testcase} per case, classname {@code <pack>.<file>}.
 * A pack that failed to load is a suite with one errored case named "load".
 */
public final class JUnitXml {

  private JUnitXml() {}

  public static void write(RuleTestReport report, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      XMLStreamWriter xml = XMLOutputFactory.newInstance().createXMLStreamWriter(out);
      xml.writeStartDocument("UTF-8", "1.0");
      xml.writeCharacters("\n");
      xml.writeStartElement("testsuites");
      xml.writeAttribute("name", "aims-monitor rule packs");
      xml.writeAttribute("tests", String.valueOf(report.cases().size() + report.packs().stream()
          .filter(p -> !p.problems().isEmpty()).count()));
      xml.writeAttribute("failures", String.valueOf(report.cases().stream()
          .filter(c -> c.outcome() == Outcome.FAILED).count()));
      xml.writeAttribute("errors", String.valueOf(report.cases().stream().filter(c -> c.outcome() == Outcome.ERROR)
          .count() + report.packs().stream().filter(p -> !p.problems().isEmpty()).count()));
      for (PackReport pack : report.packs()) {
        suite(xml, pack);
      }
      xml.writeCharacters("\n");
      xml.writeEndElement();
      xml.writeEndDocument();
      xml.close();
    } catch (XMLStreamException e) {
      throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static void suite(XMLStreamWriter xml, PackReport pack) throws XMLStreamException {
    xml.writeCharacters("\n  ");
    xml.writeStartElement("testsuite");
    xml.writeAttribute("name", pack.pack());
    boolean broken = !pack.problems().isEmpty();
    xml.writeAttribute("tests", String.valueOf(broken ? 1 : pack.cases().size()));
    xml.writeAttribute("failures", String.valueOf(pack.cases().stream().filter(c -> c.outcome() == Outcome.FAILED).count()));
    xml.writeAttribute("errors", String.valueOf(broken ? 1
        : pack.cases().stream().filter(c -> c.outcome() == Outcome.ERROR).count()));
    xml.writeAttribute("time", seconds(pack.cases().stream().map(CaseResult::took).reduce(Duration.ZERO, Duration::plus)));
    if (broken) {
      xml.writeCharacters("\n    ");
      xml.writeStartElement("testcase");
      xml.writeAttribute("classname", pack.pack());
      xml.writeAttribute("name", "load");
      xml.writeStartElement("error");
      xml.writeAttribute("message", "rule pack '" + pack.pack() + "' is invalid");
      xml.writeCharacters(String.join("\n", pack.problems()));
      xml.writeEndElement();
      xml.writeEndElement();
    }
    for (CaseResult c : pack.cases()) {
      xml.writeCharacters("\n    ");
      xml.writeStartElement("testcase");
      xml.writeAttribute("classname", pack.pack() + "." + (c.file() == null ? "tests" : c.file().getFileName()));
      xml.writeAttribute("name", c.name());
      xml.writeAttribute("time", seconds(c.took()));
      if (c.outcome() == Outcome.ERROR) {
        xml.writeStartElement("error");
        xml.writeAttribute("message", c.error());
        xml.writeCharacters(c.error());
        xml.writeEndElement();
      } else if (c.outcome() == Outcome.FAILED) {
        xml.writeStartElement("failure");
        xml.writeAttribute("message", summary(c));
        xml.writeCharacters(details(c));
        xml.writeEndElement();
      }
      xml.writeEndElement();
    }
    xml.writeCharacters("\n  ");
    xml.writeEndElement();
  }

  /** "2 expected violation(s) missing, 1 unexpected". */
  public static String summary(CaseResult c) {
    return c.missing().size() + " expected violation(s) missing, " + c.unexpected().size() + " unexpected";
  }

  /** One line per missing and unexpected violation, as the CLI prints them. */
  public static String details(CaseResult c) {
    StringBuilder out = new StringBuilder();
    c.missing().forEach(m -> out.append("missing:    ").append(m.rule()).append(" on ").append(m.subject()).append('\n'));
    for (Violation v : c.unexpected()) {
      out.append("unexpected: ").append(v.ruleId()).append(" on ").append(v.subject().key()).append(": ")
          .append(v.message()).append('\n');
    }
    return out.toString();
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.3f", d.toNanos() / 1e9);
  }
}
