package io.aimsmonitor.rules;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.drools.base.base.ClassObjectType;
import org.drools.base.base.ObjectType;
import org.drools.core.impl.InternalRuleBase;
import org.drools.core.reteoo.ObjectTypeNode;
import org.kie.api.KieBase;

/**
 * The classes of facts that some pattern of a pack's rules can match, taken from the compiled
 * network rather than the DRL text: the type of every ObjectTypeNode of the KieBase's Rete, in
 * every entry point. A session is given only the facts of these classes (or their subclasses and
 * implementations), so each pack's long-lived session holds the part of the estate it reads rather
 * than all of it (docs/architecture.md, "Incremental evaluation").
 *
 * <p>Only patterns on working memory have an ObjectTypeNode, and only those can match an inserted
 * fact: patterns inside {@code not}, {@code exists}, {@code collect} and {@code accumulate} have one
 * too, while a pattern with a {@code from} source matches the source's objects, never inserted ones.
 * Facts that rules insert ({@code insertLogical}, e.g. {@code DatasetRead}) are inserted inside the
 * session and not filtered. A pattern on {@code Object}, {@code Fact} or any interface keeps every
 * fact that is one. When the network holds a type this cannot read as a class (a prototype), or the
 * KieBase is not Drools' own implementation, every fact is kept: the filter never drops a fact that
 * a rule might match.
 */
public final class FactTypes {

  /** Keeps every fact: what a session was given before the filter. */
  static final FactTypes ALL = new FactTypes(List.of(Object.class));

  private final List<Class<?>> patternTypes;
  private final Map<Class<?>, Boolean> decided = new ConcurrentHashMap<>(); // per concrete fact class, not per fact

  private FactTypes(List<Class<?>> patternTypes) {
    this.patternTypes = List.copyOf(patternTypes);
  }

  static FactTypes of(KieBase kieBase) {
    if (!(kieBase instanceof InternalRuleBase ruleBase)) {
      return ALL;
    }
    Set<Class<?>> types = new LinkedHashSet<>();
    for (ObjectTypeNode node : ruleBase.getRete().getObjectTypeNodes()) {
      ObjectType type = node.getObjectType();
      if (type.equals(ClassObjectType.InitialFact_ObjectType) || type.equals(ClassObjectType.DroolsQuery_ObjectType)) {
        continue; // Drools' own: inserted by the engine, never one of ours
      }
      if (!(type instanceof ClassObjectType classType) || classType.getClassType() == null) {
        return ALL;
      }
      types.add(classType.getClassType());
    }
    return types.contains(Object.class) ? ALL
        : new FactTypes(types.stream().sorted(Comparator.comparing(Class::getName)).toList());
  }

  /** Whether some pattern can match {@code fact}: decided once per concrete class. */
  public boolean reads(Object fact) {
    // a plain get first: this runs for every changed fact and pack, and computeIfAbsent with a
    // capturing lambda allocated on each call (issue #14 profile of the 1% update)
    Class<?> type = fact.getClass();
    Boolean reads = decided.get(type);
    if (reads == null) {
      reads = decided.computeIfAbsent(type, c -> patternTypes.stream().anyMatch(t -> t.isAssignableFrom(c)));
    }
    return reads;
  }

  /** The classes of the patterns on working memory, by name ({@code Object} when every fact is kept). */
  public List<Class<?>> patternTypes() {
    return patternTypes;
  }

  @Override
  public String toString() {
    return patternTypes.stream().map(Class::getSimpleName).toList().toString();
  }
}
