package io.aimsmonitor.controls;

import io.aimsmonitor.controls.Control.Automation;
import io.aimsmonitor.controls.Control.Part;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The bundled ISO/IEC 42001 catalogue: 38 Annex A controls and 32 clause requirements with their
 * crosswalks, loaded from {@code controls/iso42001.yaml} on the class path. Rule metadata must
 * cite ids from here.
 */
public final class ControlCatalog {

  private static final String RESOURCE = "controls/iso42001.yaml";

  private final Map<String, Control> byId;

  public ControlCatalog(List<Control> controls) {
    Map<String, Control> map = new LinkedHashMap<>();
    controls.forEach(c -> map.put(c.id(), c));
    this.byId = java.util.Collections.unmodifiableMap(map);
  }

  public static ControlCatalog bundled() {
    try (InputStream in = ControlCatalog.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path");
      }
      JsonNode root = YAMLMapper.builder().build().readTree(in);
      List<Control> controls = root.get("controls").valueStream().map(ControlCatalog::control).toList();
      return new ControlCatalog(controls);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Control control(JsonNode n) {
    return new Control(n.get("id").asString(),
        "annex-a".equals(n.get("part").asString()) ? Part.ANNEX_A : Part.CLAUSE,
        n.get("family").asString(), n.get("title").asString(),
        Automation.valueOf(n.get("automation").asString().toUpperCase(Locale.ROOT)),
        n.get("evidence").asString(),
        n.get("euAiAct").valueStream().map(JsonNode::asString).toList(),
        n.get("nistAiRmf").valueStream().map(JsonNode::asString).toList());
  }

  public Optional<Control> find(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  public boolean contains(String id) {
    return byId.containsKey(id);
  }

  /** All controls in catalogue order: Annex A first, then clauses 4 to 10. */
  public Collection<Control> all() {
    return byId.values();
  }

  public List<Control> part(Part part) {
    return byId.values().stream().filter(c -> c.part() == part).toList();
  }
}
