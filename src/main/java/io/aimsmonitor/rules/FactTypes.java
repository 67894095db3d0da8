package io.aimsmonitor.rules;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.drools.base.base.ClassObjectType;
import org.drools.base.base.ObjectType;
import org.drools.base.base.ValueResolver;
import org.drools.base.rule.constraint.AlphaNodeFieldConstraint;
import org.drools.core.common.DefaultFactHandle;
import org.drools.core.impl.InternalRuleBase;
import org.drools.core.reteoo.AlphaNode;
import org.drools.core.reteoo.ObjectSink;
import org.drools.core.reteoo.ObjectSinkPropagator;
import org.drools.core.reteoo.ObjectSource;
import org.drools.core.reteoo.ObjectTypeNode;
import org.kie.api.KieBase;
import org.kie.api.runtime.KieSession;

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
 *
 * <p>{@link #admits} narrows this to the facts that can get past the alpha nodes below their
 * ObjectTypeNode: when every pattern on a class starts with constraints on the fact alone (alpha
 * nodes, e.g. {@code ModelVersion( production )}), a fact that the constraints of no pattern
 * accept never reaches a join, a {@code not}, a collect or a rule, yet a session given it kept a
 * handle for it (about 100 bytes per fact and session). Every shipped pack reads only production
 * versions, a twentieth of them (docs/benchmarks.md, "Bounded memory: only the facts the alpha
 * constraints accept"). The constraints are Drools' own nodes, evaluated as its propagation does
 * (globals from the session), so a fact is refused only where the network would have stopped it.
 * A class with a pattern without such constraints (or any node other than an alpha node right
 * below its ObjectTypeNode) is admitted whole.
 */
public final class FactTypes {

  /** Keeps every fact: what a session was given before the filter. */
  static final FactTypes ALL = new FactTypes(Map.of(Object.class, Below.OPEN), List.of());

  private final List<Class<?>> patternTypes;
  /** pack.yaml's {@code semiJoins}: facts given only when a fact the session holds names them (see {@link SemiJoin}). */
  private final List<SemiJoin> semiJoins;
  /** Per pattern type: what hangs below its ObjectTypeNode(s). */
  private final Map<Class<?>, Below> network;
  private final Map<Class<?>, Gate> gates = new ConcurrentHashMap<>(); // per concrete fact class, not per fact

  /** An alpha node: its constraint, and what hangs below it. */
  private record Alpha(AlphaNodeFieldConstraint constraint, Below below) {}

  /**
   * The sinks of a node of the network: {@code open} when one of them is not an alpha node (a
   * join's input, a rule's) or they cannot all be listed, so a fact that reaches the node goes
   * further; else only the alpha nodes, and a fact goes further when one of them lets it pass.
   */
  private record Below(boolean open, List<Alpha> alphas) {
    static final Below OPEN = new Below(true, List.of());

    static Below of(ObjectSource node) {
      ObjectSinkPropagator propagator = node.getObjectSinkPropagator();
      ObjectSink[] sinks = propagator == null ? null : propagator.getSinks();
      if (sinks == null || sinks.length == 0 || sinks.length != propagator.size()) {
        return OPEN; // no sink, or a propagator that would hide some (hashed alpha nodes must all be listed)
      }
      List<Alpha> alphas = new ArrayList<>(sinks.length);
      for (ObjectSink sink : sinks) {
        if (!(sink instanceof AlphaNode alpha) || alpha.getConstraint() == null) {
          return OPEN;
        }
        alphas.add(new Alpha(alpha.getConstraint(), of(alpha)));
      }
      return new Below(false, List.copyOf(alphas));
    }

    /** Whether the fact gets past this node, as Drools' propagation would take it. */
    boolean passes(DefaultFactHandle handle, ValueResolver resolver) {
      if (open) {
        return true;
      }
      for (Alpha alpha : alphas) {
        if (alpha.constraint().isAllowed(handle, resolver) && alpha.below().passes(handle, resolver)) {
          return true;
        }
      }
      return false;
    }

    Below or(Below other) { // a class read through two nodes (a supertype, an entry point): either lets it in
      if (open || other.open) {
        return OPEN;
      }
      List<Alpha> all = new ArrayList<>(alphas);
      all.addAll(other.alphas);
      return new Below(false, List.copyOf(all));
    }
  }

  /** Which facts of a concrete class a session is given: none ({@code below} null), or those {@code below} lets pass. */
  private record Gate(Below below) {
    boolean read() {
      return below != null;
    }
  }

  private FactTypes(Map<Class<?>, Below> network, List<SemiJoin> semiJoins) {
    this.patternTypes = network.keySet().stream().sorted(Comparator.comparing(Class::getName)).toList();
    this.network = Map.copyOf(network);
    this.semiJoins = List.copyOf(semiJoins);
  }

  /**
   * A pack's declaration that its rules can match a fact of {@code type} only together with a fact
   * of {@code by} whose {@code byKey} equals the fact's {@code key} (pack.yaml {@code semiJoins:
   * ["TrainingRun.ref == ModelVersion.sourceRun"]}): then a session is given such a fact only while
   * it holds a fact of {@code by} naming it (a semi-join in the evaluator, {@link SessionFacts}).
   *
   * <p>Why: a join node keeps an entry (right tuple, index bucket, extracted key: about 200 bytes)
   * per fact of its right input, and the session a handle, whether or not a left fact ever
   * matches; the shipped packs join every training run with the production versions, which name
   * a twentieth of them (docs/benchmarks.md, "Bounded memory: training runs given only when a
   * production version names them"). The network cannot tell this before the join, so the pack
   * says it. A null key names nothing (the join {@code ref == $m.sourceRun} never matches a run
   * through a version without a run; a run's ref is never null).
   */
  public record SemiJoin(Class<?> type, Method key, Class<?> by, Method byKey) {

    /** The key of a fact of {@link #type}: what a fact of {@link #by} must name for it to be given. */
    public Object keyOf(Object fact) {
      return invoke(key, fact);
    }

    /** The key a fact of {@link #by} names, or null. */
    public Object nameOf(Object fact) {
      return invoke(byKey, fact);
    }

    private static Object invoke(Method accessor, Object fact) {
      try {
        return accessor.invoke(fact);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("semi-join accessor " + accessor + " failed on " + fact.getClass(), e);
      }
    }

    @Override
    public String toString() {
      return type.getSimpleName() + "." + key.getName() + " == " + by.getSimpleName() + "." + byKey.getName();
    }
  }

  /**
   * This network with pack.yaml's {@code semiJoins} ({@code "Type.accessor == By.accessor"}, each
   * type one of the classes the network reads, by simple name, each accessor a public method
   * without arguments). At most one per type, and a type given through a semi-join is not what
   * another is given by (no chains): so whether a fact is given depends on the facts of one other
   * class only, which are themselves given by the alpha constraints alone.
   */
  FactTypes withSemiJoins(Object spec, String where, List<String> problems) {
    if (spec == null) {
      return this;
    }
    if (!(spec instanceof List<?> entries)) {
      problems.add(where + ": semiJoins: expected a list of \"Type.accessor == Type.accessor\", got '" + spec + "'");
      return this;
    }
    List<SemiJoin> joins = new ArrayList<>();
    for (Object entry : entries) {
      String[] sides = String.valueOf(entry).split("==");
      String[] left = sides.length == 2 ? sides[0].strip().split("\\.") : new String[0];
      String[] right = sides.length == 2 ? sides[1].strip().split("\\.") : new String[0];
      if (left.length != 2 || right.length != 2) {
        problems.add(where + ": semiJoins: '" + entry + "' is not \"Type.accessor == Type.accessor\"");
        continue;
      }
      Class<?> type = patternType(left[0]);
      Class<?> by = patternType(right[0]);
      if (type == null || by == null) {
        problems.add(where + ": semiJoins: '" + entry + "': no pattern of the pack's rules is on "
            + (type == null ? left[0] : right[0]));
        continue;
      }
      try {
        joins.add(new SemiJoin(type, type.getMethod(left[1]), by, by.getMethod(right[1])));
      } catch (NoSuchMethodException e) {
        problems.add(where + ": semiJoins: '" + entry + "': no public method " + e.getMessage());
      }
    }
    for (SemiJoin join : joins) {
      if (joins.stream().anyMatch(j -> j != join && (j.type() == join.type() || j.by() == join.type()))) {
        problems.add(where + ": semiJoins: " + join.type().getSimpleName()
            + " is given through more than one semi-join, or through a chain of them");
      }
    }
    return joins.isEmpty() ? this : new FactTypes(network, joins);
  }

  private Class<?> patternType(String simpleName) {
    return patternTypes.stream().filter(t -> t.getSimpleName().equals(simpleName)).findFirst().orElse(null);
  }

  /** This network without pack.yaml's semi-joins: every fact the alpha constraints accept is given. */
  FactTypes withoutSemiJoins() {
    return semiJoins.isEmpty() ? this : new FactTypes(network, List.of());
  }

  /** pack.yaml's semi-joins (none for most packs). */
  public List<SemiJoin> semiJoins() {
    return semiJoins;
  }

  static FactTypes of(KieBase kieBase) {
    if (!(kieBase instanceof InternalRuleBase ruleBase)) {
      return ALL;
    }
    Map<Class<?>, Below> types = new LinkedHashMap<>();
    for (ObjectTypeNode node : ruleBase.getRete().getObjectTypeNodes()) {
      ObjectType type = node.getObjectType();
      if (type.equals(ClassObjectType.InitialFact_ObjectType) || type.equals(ClassObjectType.DroolsQuery_ObjectType)) {
        continue; // Drools' own: inserted by the engine, never one of ours
      }
      if (!(type instanceof ClassObjectType classType) || classType.getClassType() == null) {
        return ALL;
      }
      types.merge(classType.getClassType(), Below.of(node), Below::or);
    }
    return types.containsKey(Object.class) ? ALL : new FactTypes(types, List.of());
  }

  /**
   * Whether a session of this pack (opened, its globals set) is to be given {@code fact}: its
   * class is {@link #reads read} and, where every pattern on its class starts with constraints on
   * the fact alone, the fact passes those of one pattern (see the class comment). Decided by the
   * fact's content and the session's globals only, which stay the same for a session's life (a
   * change of parameters or of the time step starts a new session), so the same fact is admitted
   * or refused alike each time it is asked about.
   */
  public boolean admits(KieSession session, Object fact) {
    Gate gate = gateOf(fact);
    if (!gate.read()) {
      return false;
    }
    if (gate.below().open() || !(session instanceof ValueResolver resolver)) {
      return true;
    }
    // the handle is only what the constraints read the fact through; the session's own is made on insert
    return gate.below().passes(new DefaultFactHandle(0, fact), resolver);
  }

  private Gate gateOf(Object fact) {
    // a plain get first: this runs for every changed fact and pack, and computeIfAbsent with a
    // capturing lambda allocated on each call (issue #14 profile of the 1% update)
    Gate gate = gates.get(fact.getClass());
    return gate != null ? gate : gates.computeIfAbsent(fact.getClass(), this::gate);
  }

  private Gate gate(Class<?> type) {
    Below below = null;
    for (Map.Entry<Class<?>, Below> e : network.entrySet()) {
      if (e.getKey().isAssignableFrom(type)) {
        below = below == null ? e.getValue() : below.or(e.getValue());
      }
    }
    return new Gate(below);
  }

  /** Whether some pattern can match {@code fact}: decided once per concrete class. */
  public boolean reads(Object fact) {
    return gateOf(fact).read();
  }

  /** The classes of the patterns on working memory, by name ({@code Object} when every fact is kept). */
  public List<Class<?>> patternTypes() {
    return patternTypes;
  }

  @Override
  public String toString() {
    String types = patternTypes.stream().map(Class::getSimpleName).toList().toString();
    return semiJoins.isEmpty() ? types : types + " semi-joined " + semiJoins;
  }
}
