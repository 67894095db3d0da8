package io.aimsmonitor.export;

import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.rules.RuleDefinition;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * JUnit XML for CI test reports (GitHub, GitLab, Jenkins): one {@code testsuite} per rule pack; per
 * rule, one failed {@code testcase} per open finding (named after its subject), or one passed test
 * case named after the rule when it has none. A waived finding is a skipped test case, a stale one
 * fails with "(stale evidence)" in its message. Resolved findings are passes and not listed.
 * The suite counts come first in the XML, so test cases are kept until {@link #close}.
 */
final class JUnitWriter implements FindingWriter {

  private record Case(String classname, String name, String outcome, String message, String body) {}

  private final OutputStream out;
  private final ExportContext context;
  private final Map<String, List<Case>> byRule = new LinkedHashMap<>();
  private final Map<String, String> packOfRule = new LinkedHashMap<>();

  JUnitWriter(OutputStream out, ExportContext context) {
    this.out = out;
    this.context = context;
    for (RuleDefinition r : context.rules()) {
      byRule.put(r.id(), new ArrayList<>());
      packOfRule.put(r.id(), r.pack());
    }
  }

  @Override
  public void write(ExportedFinding e) {
    Finding f = e.finding();
    if (!f.isOpen()) {
      return;
    }
    packOfRule.putIfAbsent(f.ruleId(), f.pack());
    String name = f.subject().displayName() == null ? f.subject().key() : f.subject().displayName();
    StringBuilder body = new StringBuilder(f.message()).append('\n')
        .append("severity: ").append(f.severity().label()).append('\n')
        .append("controls: ").append(String.join(", ", f.controls())).append('\n')
        .append("subject: ").append(f.subject().key()).append('\n');
    if (!f.owners().isEmpty()) {
      body.append("owners: ").append(String.join(", ", f.owners())).append('\n');
    }
    if (e.links().sourceUrl() != null) {
      body.append("source: ").append(e.links().sourceUrl()).append('\n');
    }
    body.append("finding: ").append(e.links().findingUrl()).append('\n');
    if (f.remediation() != null) {
      body.append("remediation: ").append(f.remediation()).append('\n');
    }
    if (e.waiver().id() != null) {
      body.append(e.waiver().describe()).append('\n');
    }
    String outcome = e.waiver().active() ? "skipped" : "failure";
    String message = e.waiver().active()
        ? "waived" + (e.waiver().expiresAt() == null ? "" : " until " + e.waiver().expiresAt())
        : f.message() + (f.stale() ? " (stale evidence)" : "");
    byRule.computeIfAbsent(f.ruleId(), k -> new ArrayList<>())
        .add(new Case(f.ruleId(), name, outcome, message, body.toString()));
  }

  @Override
  public void close() throws IOException {
    Map<String, List<Case>> suites = new TreeMap<>();
    byRule.forEach((rule, cases) -> {
      List<Case> suite = suites.computeIfAbsent(packOfRule.getOrDefault(rule, "unknown"), k -> new ArrayList<>());
      if (cases.isEmpty()) {
        suite.add(new Case(rule, rule, "passed", null, null));
      } else {
        suite.addAll(cases);
      }
    });
    try {
      Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
      XMLStreamWriter xml = XMLOutputFactory.newInstance().createXMLStreamWriter(w);
      xml.writeStartDocument("UTF-8", "1.0");
      xml.writeCharacters("\n");
      xml.writeStartElement("testsuites");
      xml.writeAttribute("name", "aims-monitor scan");
      xml.writeAttribute("timestamp", context.generatedAt().toString());
      List<Case> all = suites.values().stream().flatMap(List::stream).toList();
      counts(xml, all);
      for (Map.Entry<String, List<Case>> s : suites.entrySet()) {
        xml.writeCharacters("\n  ");
        xml.writeStartElement("testsuite");
        xml.writeAttribute("name", s.getKey());
        counts(xml, s.getValue());
        for (Case c : s.getValue()) {
          xml.writeCharacters("\n    ");
          xml.writeStartElement("testcase");
          xml.writeAttribute("classname", c.classname());
          xml.writeAttribute("name", c.name());
          if (c.outcome().equals("failure") || c.outcome().equals("skipped")) {
            xml.writeStartElement(c.outcome());
            xml.writeAttribute("message", c.message());
            if (c.outcome().equals("failure")) {
              xml.writeAttribute("type", "finding");
              xml.writeCharacters(c.body());
            }
            xml.writeEndElement();
          }
          xml.writeEndElement();
        }
        xml.writeCharacters("\n  ");
        xml.writeEndElement();
      }
      xml.writeCharacters("\n");
      xml.writeEndElement();
      xml.writeCharacters("\n");
      xml.writeEndDocument();
      xml.flush();
      w.flush();
    } catch (XMLStreamException e) {
      throw new IOException("could not write JUnit XML: " + e.getMessage(), e);
    }
  }

  private static void counts(XMLStreamWriter xml, List<Case> cases) throws XMLStreamException {
    xml.writeAttribute("tests", String.valueOf(cases.size()));
    xml.writeAttribute("failures", String.valueOf(cases.stream().filter(c -> c.outcome().equals("failure")).count()));
    xml.writeAttribute("errors", "0");
    xml.writeAttribute("skipped", String.valueOf(cases.stream().filter(c -> c.outcome().equals("skipped")).count()));
  }
}
