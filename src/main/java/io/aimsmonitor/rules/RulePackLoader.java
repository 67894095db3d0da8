package io.aimsmonitor.rules;

import io.aimsmonitor.controls.Control;
import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.fact.Fact;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.drools.base.base.ClassObjectType;
import org.drools.drl.ast.descr.AnnotationDescr;
import org.drools.drl.ast.descr.PackageDescr;
import org.drools.drl.ast.descr.RuleDescr;
import org.drools.drl.parser.DrlParser;
import org.drools.drl.parser.DroolsParserException;
import org.drools.base.definitions.rule.impl.RuleImpl;
import org.drools.base.rule.Pattern;
import org.drools.base.rule.RuleConditionElement;
import org.drools.compiler.kie.builder.impl.InternalKieModule;
import org.drools.model.Model;
import org.drools.model.codegen.ExecutableModelProject;
import org.drools.modelcompiler.KieBaseBuilder;
import org.kie.api.KieBase;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.Message;
import org.kie.api.builder.ReleaseId;
import org.kie.api.definition.KiePackage;
import org.kie.api.definition.rule.Global;
import org.kie.api.definition.rule.Rule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Loads one pack folder: reads pack.yaml, compiles the DRL, and checks every rule's metadata
 * against the control catalogue and every global against the declared parameters. It either
 * returns a complete {@link RulePack} or throws with all problems found; nothing partial escapes.
 */
public final class RulePackLoader {

  /** Globals every pack may use without declaring them as parameters. */
  public static final Map<String, Class<?>> BUILT_IN_GLOBALS = Map.of(
      "violations", Violations.class, "now", java.time.Instant.class);

  private static final Set<String> PACK_KEYS = Set.of("name", "version", "description", "parameters", "limits", "shadow",
      "semiJoins");
  private static final Set<String> SEVERITIES = Set.of("info", "low", "medium", "high", "critical");
  private static final AtomicLong BUILDS = new AtomicLong();
  private static final Logger log = LoggerFactory.getLogger(RulePackLoader.class);

  private final ControlCatalog catalog;
  private final EvaluationLimits defaultLimits;
  private final CompiledPackCache cache;
  private final YAMLMapper yaml = YAMLMapper.builder().build();

  public RulePackLoader(ControlCatalog catalog) {
    this(catalog, EvaluationLimits.DEFAULTS);
  }

  /** @param defaultLimits the evaluation budget of packs whose pack.yaml sets no {@code limits} */
  public RulePackLoader(ControlCatalog catalog, EvaluationLimits defaultLimits) {
    this(catalog, defaultLimits, CompiledPackCache.DISABLED);
  }

  private RulePackLoader(ControlCatalog catalog, EvaluationLimits defaultLimits, CompiledPackCache cache) {
    this.catalog = catalog;
    this.defaultLimits = defaultLimits;
    this.cache = cache;
  }

  /**
   * This loader, keeping compiled packs in {@code cache}: a pack is then built as Drools' executable
   * model (its rules as generated Java classes), whose classes are stored by key and loaded instead
   * of compiled at the next start. Without a cache packs are compiled from the DRL at every load.
   */
  public RulePackLoader withCache(CompiledPackCache cache) {
    return new RulePackLoader(catalog, defaultLimits, cache);
  }

  /** True when {@code dir} looks like a pack (has a pack.yaml). */
  public static boolean isPack(Path dir) {
    return Files.isRegularFile(dir.resolve("pack.yaml"));
  }

  /** The content hash of a pack folder, cheap enough to poll for changes. */
  public static String contentHash(Path dir) throws IOException {
    return contentHash(files(dir));
  }

  /** The content hash of a pack's files, by file name: the same as {@link #contentHash(Path)} of a folder holding them. */
  public static String contentHash(Map<String, byte[]> files) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (var file : new java.util.TreeMap<>(files).entrySet()) {
        digest.update(file.getKey().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(file.getValue());
        digest.update((byte) 0);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The files of a pack folder that make up its content (pack.yaml and the DRL files), by name, as bytes. */
  public static Map<String, byte[]> files(Path dir) throws IOException {
    Map<String, byte[]> files = new java.util.TreeMap<>();
    for (Path file : packFiles(dir)) {
      files.put(file.getFileName().toString(), Files.readAllBytes(file));
    }
    return files;
  }

  private static List<Path> packFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().equals("pack.yaml") || p.getFileName().toString().endsWith(".drl"))
          .sorted().toList();
    }
  }

  /**
   * Loads the pack in {@code dir}.
   *
   * @param overrides parameter values from configuration, by parameter name
   */
  public RulePack load(Path dir, Map<String, Object> overrides) throws RulePackException {
    String folder = dir.getFileName().toString();
    List<String> problems = new ArrayList<>();
    Path packYaml = dir.resolve("pack.yaml");
    Map<String, Object> spec = readPackYaml(packYaml, folder, problems);
    String name = spec.get("name") == null ? folder : String.valueOf(spec.get("name"));
    if (!name.equals(folder)) {
      problems.add(packYaml + ": name: '" + name + "' must equal the folder name '" + folder + "'");
    }
    Map<String, PackParameter> parameters = parameters(packYaml, spec.get("parameters"), problems);
    List<String> overrideProblems = new ArrayList<>();
    Map<String, Object> values = PackParameter.resolve(parameters, overrides, overrideProblems);
    overrideProblems.forEach(p -> problems.add("aims.rules.parameters." + name + "." + p));
    List<String> limitProblems = new ArrayList<>();
    EvaluationLimits limits = EvaluationLimits.parse(spec.get("limits"), defaultLimits, limitProblems);
    limitProblems.forEach(p -> problems.add(packYaml + ": " + p));
    Object shadowSpec = spec.getOrDefault("shadow", false);
    if (!(shadowSpec instanceof Boolean)) {
      problems.add(packYaml + ": shadow: expected true or false, got '" + shadowSpec + "'");
    }
    boolean shadow = Boolean.TRUE.equals(shadowSpec);

    List<Path> drls;
    String hash;
    Map<String, String> sources = new LinkedHashMap<>();
    try {
      drls = packFiles(dir).stream().filter(p -> p.toString().endsWith(".drl")).toList();
      for (Path drl : drls) {
        sources.put(drl.getFileName().toString(), Files.readString(drl));
      }
      hash = contentHash(dir);
    } catch (IOException e) {
      problems.add(dir + ": cannot read: " + e.getMessage());
      throw new RulePackException(name, problems);
    }
    if (drls.isEmpty()) {
      problems.add(dir + ": no .drl files");
      throw new RulePackException(name, problems);
    }

    // Every problem at once: pack.yaml, compilation and each rule's metadata, so a pack is fixed in one pass.
    KieBase kieBase = cache.enabled() ? compileCached(dir, name, sources, problems) : compile(dir, name, sources, problems);
    if (kieBase == null) {
      parsedMetadataProblems(dir, sources, problems);
      throw new RulePackException(name, problems);
    }
    checkGlobals(dir, kieBase, parameters, problems);
    FactTypes factTypes = FactTypes.of(kieBase).withSemiJoins(spec.get("semiJoins"), packYaml.toString(), problems);
    List<RuleDefinition> rules = new ArrayList<>();
    Map<String, Set<Class<? extends Fact>>> derived = derivedFrom(kieBase);
    for (KiePackage kp : kieBase.getKiePackages()) {
      for (Rule rule : kp.getRules()) {
        RuleDefinition def = definition(name, rule, locate(dir, sources, rule.getName()), derived, problems);
        if (def != null) {
          rules.add(def);
        }
      }
    }
    if (rules.isEmpty() && problems.isEmpty()) {
      problems.add(dir + ": the DRL files define no rules");
    }
    if (!problems.isEmpty()) {
      throw new RulePackException(name, problems);
    }
    rules.sort(java.util.Comparator.comparing(RuleDefinition::id));
    return new RulePack(name, spec.get("version") == null ? null : String.valueOf(spec.get("version")),
        String.valueOf(spec.getOrDefault("description", "")), hash, dir, parameters, values, rules, kieBase, limits,
        shadow, factTypes);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> readPackYaml(Path file, String folder, List<String> problems) {
    if (!Files.isRegularFile(file)) {
      problems.add(file + ": missing (every pack folder needs a pack.yaml)");
      return Map.of();
    }
    try {
      Object parsed = yaml.readValue(file.toFile(), Object.class);
      if (!(parsed instanceof Map<?, ?> map)) {
        problems.add(file + ": expected a mapping with name, description, parameters");
        return Map.of();
      }
      for (Object key : map.keySet()) {
        if (!PACK_KEYS.contains(String.valueOf(key))) {
          problems.add(file + ": " + key + ": unknown key (expected one of " + PACK_KEYS.stream().sorted().toList() + ")");
        }
      }
      return (Map<String, Object>) map;
    } catch (JacksonException e) {
      problems.add(file + ": not valid YAML: " + io.aimsmonitor.fact.ParseErrors.oneLine(e));
      return Map.of();
    }
  }

  private static Map<String, PackParameter> parameters(Path file, Object spec, List<String> problems) {
    Map<String, PackParameter> out = new LinkedHashMap<>();
    if (spec == null) {
      return out;
    }
    if (!(spec instanceof Map<?, ?> map)) {
      problems.add(file + ": parameters: expected a mapping of name to {type, default, description}");
      return out;
    }
    map.forEach((key, value) -> {
      String where = file + ": parameters." + key;
      if (!(value instanceof Map<?, ?> p)) {
        problems.add(where + ": expected {type, default, description}");
        return;
      }
      try {
        PackParameter.Type type = PackParameter.Type.parse(String.valueOf(p.get("type")));
        if (!p.containsKey("default")) {
          problems.add(where + ".default: is required");
          return;
        }
        Object value1 = type.coerce(p.get("default"));
        out.put(String.valueOf(key), new PackParameter(String.valueOf(key), type, value1,
            p.get("description") == null ? "" : String.valueOf(p.get("description"))));
      } catch (IllegalArgumentException e) {
        problems.add(where + ": " + e.getMessage());
      }
    });
    return out;
  }

  private static final java.util.regex.Pattern PACKAGE =
      java.util.regex.Pattern.compile("^\\s*package\\s+([\\w.]+)", java.util.regex.Pattern.MULTILINE);

  private static KieBase compile(Path dir, String name, Map<String, String> sources, List<String> problems) {
    KieServices ks = KieServices.Factory.get();
    PackProject project = project(ks, name, sources);
    KieBuilder builder = ks.newKieBuilder(project.files()).buildAll();
    List<Message> errors = builder.getResults().getMessages(Message.Level.ERROR);
    if (!errors.isEmpty()) {
      for (Message m : errors) {
        String path = m.getPath() == null ? "" : m.getPath().replaceFirst("^src/main/resources/", "");
        problems.add(dir.resolve(project.originals().getOrDefault(path, path)) + (m.getLine() > 0 ? ":" + m.getLine() : "")
            + ": " + m.getText().replaceAll("\\s+", " ").trim());
      }
      ks.getRepository().removeKieModule(project.releaseId());
      return null;
    }
    KieBase kieBase = ks.newKieContainer(project.releaseId()).getKieBase();
    ks.getRepository().removeKieModule(project.releaseId());
    return kieBase;
  }

  /** A pack's DRL files as a Drools project, and where each file came from (to map messages back). */
  private record PackProject(KieFileSystem files, ReleaseId releaseId, Map<String, String> originals) {}

  private static PackProject project(KieServices ks, String name, Map<String, String> sources) {
    KieFileSystem kfs = ks.newKieFileSystem();
    // A unique release id per build: packs compile independently and never overwrite each
    // other in Drools' process-wide KieRepository.
    ReleaseId releaseId = ks.newReleaseId("io.aimsmonitor.rules", name, "build-" + BUILDS.incrementAndGet());
    kfs.generateAndWritePomXML(releaseId);
    Map<String, String> originals = new LinkedHashMap<>();
    sources.forEach((file, text) -> {
      // Drools expects a DRL's folder to match its package; place it so, and map messages back.
      var m = PACKAGE.matcher(text);
      String folder = m.find() ? m.group(1).replace('.', '/') : name;
      String path = "src/main/resources/" + folder + "/" + file;
      originals.put(folder + "/" + file, file);
      kfs.write(path, text);
    });
    return new PackProject(kfs, releaseId, originals);
  }

  /**
   * The pack's KieBase from the cache, else built as Drools' executable model and stored. A pack the
   * executable model cannot build is compiled from its DRL as without a cache: its problems are then
   * reported in the same words, and a pack that only the DRL compiler accepts still loads (uncached).
   */
  private KieBase compileCached(Path dir, String name, Map<String, String> sources, List<String> problems) {
    String key = cacheKey(name, sources);
    Optional<byte[]> cached = cache.read(key);
    if (cached.isPresent()) {
      try {
        KieBase kieBase = fromExecutableModel(cached.get());
        cache.hit();
        return kieBase;
      } catch (RuntimeException | LinkageError | IOException e) {
        cache.discard(key, e.toString());
      }
    }
    cache.miss();
    KieServices ks = KieServices.Factory.get();
    PackProject project = project(ks, name, sources);
    byte[] compiled = null;
    try {
      KieBuilder builder = ks.newKieBuilder(project.files()).buildAll(ExecutableModelProject.class);
      if (builder.getResults().getMessages(Message.Level.ERROR).isEmpty()) {
        compiled = ((InternalKieModule) builder.getKieModule()).getBytes();
      }
    } catch (RuntimeException e) {
      log.debug("rule pack '{}': the executable model could not be built: {}", name, e.toString());
    } finally {
      ks.getRepository().removeKieModule(project.releaseId());
    }
    if (compiled == null) {
      return compile(dir, name, sources, problems);
    }
    KieBase kieBase;
    try {
      kieBase = fromExecutableModel(compiled);
    } catch (RuntimeException | LinkageError | IOException e) {
      log.warn("rule pack '{}': its executable model does not load ({}); compiling the DRL instead", name, e.toString());
      return compile(dir, name, sources, problems);
    }
    cache.write(key, compiled);
    return kieBase;
  }

  /**
   * The KieBase of an executable-model module (the jar Drools' builder produces): its generated
   * classes are defined in a class loader of their own, under the application's, and the rule
   * models they list are assembled without compiling anything.
   */
  static KieBase fromExecutableModel(byte[] module) throws IOException {
    Map<String, byte[]> classes = new java.util.HashMap<>();
    List<String> models = new ArrayList<>();
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(module))) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        if (e.getName().endsWith(".class")) {
          classes.put(e.getName().substring(0, e.getName().length() - ".class".length()).replace('/', '.'), zip.readAllBytes());
        } else if (e.getName().startsWith("META-INF/kie/") && e.getName().endsWith("/drools-model")) {
          // one generated model class per line, after a "Drools-Model-Version:" header
          new String(zip.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::trim)
              .filter(l -> !l.isEmpty() && !l.contains(":")).forEach(models::add);
        }
      }
    }
    if (models.isEmpty() || classes.isEmpty()) {
      throw new IOException("not a compiled rule pack (no rule model in it)");
    }
    ClassLoader loader = new GeneratedClasses(classes, RulePackLoader.class.getClassLoader());
    List<Model> instances = new ArrayList<>();
    for (String model : models) {
      try {
        instances.add((Model) Class.forName(model, true, loader).getConstructor().newInstance());
      } catch (ReflectiveOperationException | ClassCastException e) {
        throw new IOException("rule model " + model + " cannot be created: " + e, e);
      }
    }
    return KieBaseBuilder.createKieBaseFromModel(instances);
  }

  /** Defines the classes of one compiled pack from their bytes; everything else comes from the parent. */
  private static final class GeneratedClasses extends ClassLoader {
    static {
      registerAsParallelCapable();
    }

    private final Map<String, byte[]> classes;

    GeneratedClasses(Map<String, byte[]> classes, ClassLoader parent) {
      super(parent);
      this.classes = classes;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      byte[] bytes = classes.get(name);
      if (bytes == null) {
        throw new ClassNotFoundException(name);
      }
      return defineClass(name, bytes, 0, bytes.length);
    }
  }

  /**
   * The cache key of a pack's compiled classes: what the generated code depends on, which is the
   * DRL, the bytecode of the classes the DRL imports (fact types, functions) and of the built-in
   * globals, and the Drools and aims-monitor versions. A change to any of them is another key, so a
   * stale entry is never loaded; it stays unused in the folder.
   */
  static String cacheKey(String name, Map<String, String> sources) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      java.util.function.Consumer<String> add = text -> {
        digest.update(text.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
      };
      add.accept("compiled-pack-format-1");
      add.accept(String.valueOf(KieServices.class.getPackage().getImplementationVersion()));
      add.accept(String.valueOf(RulePackLoader.class.getPackage().getImplementationVersion()));
      add.accept(name);
      Set<String> imported = new java.util.TreeSet<>();
      BUILT_IN_GLOBALS.values().forEach(c -> imported.add(c.getName()));
      imported.add(Fact.class.getName());
      new java.util.TreeMap<>(sources).forEach((file, text) -> {
        add.accept(file);
        add.accept(text);
        Matcher m = IMPORT.matcher(text);
        while (m.find()) {
          imported.add(m.group(1)); // "import function a.B.f" depends on class a.B
        }
      });
      for (String className : imported) {
        add.accept(className);
        digest.update(bytecode(className));
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** "import a.b.C;" gives a.b.C; "import function a.b.C.f;" and "import function a.b.C.*;" give a.b.C. */
  private static final java.util.regex.Pattern IMPORT = java.util.regex.Pattern.compile(
      "^\\s*import\\s+(?:function\\s+|static\\s+)?([\\w.$]+?)(\\.(?:\\*|[a-z_]\\w*))?\\s*;?\\s*$",
      java.util.regex.Pattern.MULTILINE);

  private static byte[] bytecode(String className) {
    if (className.startsWith("java.")) {
      return new byte[0]; // the JDK's classes are part of the Java version, which the generated code does not vary with
    }
    String resource = className.replace('.', '/') + ".class";
    try (InputStream in = RulePackLoader.class.getClassLoader().getResourceAsStream(resource)) {
      return in == null ? new byte[0] : in.readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }

  private static void checkGlobals(Path dir, KieBase kieBase, Map<String, PackParameter> parameters,
      List<String> problems) {
    Set<String> seen = new HashSet<>();
    for (KiePackage kp : kieBase.getKiePackages()) {
      for (Global global : kp.getGlobalVariables()) {
        if (!seen.add(global.getName())) {
          continue;
        }
        Class<?> builtIn = BUILT_IN_GLOBALS.get(global.getName());
        PackParameter param = parameters.get(global.getName());
        String expected = builtIn != null ? builtIn.getName() : param != null ? param.type().javaType().getName() : null;
        if (expected == null) {
          problems.add(dir + ": global " + global.getName() + " is neither a pack parameter (declare it in pack.yaml)"
              + " nor built in (" + String.join(", ", BUILT_IN_GLOBALS.keySet()) + ")");
        } else if (!expected.equals(global.getType())) {
          problems.add(dir + ": global " + global.getName() + " is declared as " + global.getType()
              + " in the DRL but must be " + expected);
        }
      }
    }
  }

  /**
   * When a pack does not compile, its rules' metadata is still checked, from the parsed DRL: the
   * author sees an unknown control next to the syntax error instead of on the next try.
   */
  private void parsedMetadataProblems(Path dir, Map<String, String> sources, List<String> problems) {
    for (String text : sources.values()) {
      PackageDescr parsed;
      try {
        DrlParser parser = new DrlParser();
        parsed = parser.parse(false, text);
      } catch (DroolsParserException | RuntimeException e) {
        continue; // the compiler's messages already say what is wrong with this file
      }
      if (parsed == null) {
        continue;
      }
      for (RuleDescr rule : parsed.getRules()) {
        Map<String, Object> meta = new LinkedHashMap<>();
        for (AnnotationDescr a : rule.getAnnotations()) {
          Object value = a.getSingleValueStripped();
          meta.put(a.getName(), value == null ? null : String.valueOf(value));
        }
        if (derives(meta)) {
          continue;
        }
        checkMetadata(rule.getName(), meta, locate(dir, sources, rule.getName()), problems);
      }
    }
  }

  private RuleDefinition definition(String pack, Rule rule, String where,
      Map<String, Set<Class<? extends Fact>>> derived, List<String> problems) {
    Map<String, Object> meta = rule.getMetaData();
    if (derives(meta)) {
      return null; // derives facts for the pack's rules, reports nothing: not a rule of the pack's catalogue
    }
    if (!checkMetadata(rule.getName(), meta, where, problems)) {
      return null;
    }
    List<String> controls = controls(meta);
    String severity = String.valueOf(meta.get("severity")).trim().toLowerCase(java.util.Locale.ROOT);
    String decides = meta.get("decides") == null ? "partial" : String.valueOf(meta.get("decides")).trim();
    Set<String> eu = new LinkedHashSet<>();
    Set<String> nist = new LinkedHashSet<>();
    for (String id : controls) {
      Control c = catalog.find(id).orElseThrow();
      eu.addAll(c.euAiAct());
      nist.addAll(c.nistAiRmf());
    }
    return new RuleDefinition(rule.getName(), pack, String.valueOf(meta.get("title")), Severity.parse(severity),
        controls, decides, meta.get("rationale") == null ? "" : String.valueOf(meta.get("rationale")),
        String.valueOf(meta.get("remediation")), List.copyOf(eu), List.copyOf(nist), factTypes(rule, derived),
        patternCounts(rule));
  }

  /**
   * A rule annotated {@code @derives("what")} only inserts facts (logically) that other rules of the
   * pack join on, e.g. an index keyed for an {@code ==} join; it needs no control metadata, is not
   * listed among the pack's rules and may not report (see {@link Violations#report}).
   */
  static boolean derives(Map<String, Object> meta) {
    return meta.get("derives") != null && !String.valueOf(meta.get("derives")).isBlank();
  }

  private static List<String> controls(Map<String, Object> meta) {
    return Arrays.stream(String.valueOf(meta.get("control")).split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** Checks one rule's metadata, adding a problem per fault; true when it is complete and valid. */
  private boolean checkMetadata(String ruleName, Map<String, Object> meta, String where, List<String> problems) {
    String prefix = where + ": rule \"" + ruleName + "\": ";
    List<String> missing = Stream.of("control", "severity", "title", "remediation")
        .filter(k -> meta.get(k) == null || String.valueOf(meta.get(k)).isBlank()).toList();
    if (!missing.isEmpty()) {
      problems.add(prefix + "missing metadata " + missing.stream().map(k -> "@" + k).toList());
      return false;
    }
    List<String> controls = controls(meta);
    boolean ok = true;
    for (String id : controls) {
      if (!catalog.contains(id)) {
        problems.add(prefix + "unknown control id '" + id + "' (not in the ISO 42001 catalogue: Annex A A.2.2-A.10.4"
            + " or clauses 4.1-10.2)");
        ok = false;
      }
    }
    String severity = String.valueOf(meta.get("severity")).trim().toLowerCase(java.util.Locale.ROOT);
    if (!SEVERITIES.contains(severity)) {
      problems.add(prefix + "@severity '" + meta.get("severity") + "' is not one of " + SEVERITIES.stream().sorted().toList());
      ok = false;
    }
    String decides = meta.get("decides") == null ? "partial" : String.valueOf(meta.get("decides")).trim();
    if (!decides.equals("full") && !decides.equals("partial")) {
      problems.add(prefix + "@decides must be 'full' or 'partial', got '" + decides + "'");
      ok = false;
    }
    return ok;
  }

  /**
   * The fact classes a rule reads: those its conditions match, and those of the facts it reads that
   * a {@code @derives} rule of the pack inserts ({@link #derivedFrom}), so that a rule reading
   * {@code VersionRuns} still reads {@code ModelVersion} and {@code TrainingRun} (its findings are
   * stale when their source is).
   */
  static Set<Class<? extends Fact>> factTypes(Rule rule, Map<String, Set<Class<? extends Fact>>> derived) {
    Set<Class<? extends Fact>> types = factTypes(rule);
    for (String read : derivedTypesRead(rule)) {
      types.addAll(derived.getOrDefault(read, Set.of()));
    }
    return types;
  }

  /**
   * Per type a {@code @derives} rule inserts (the simple class name its {@code @derives} text starts
   * with, before the colon: {@code @derives("VersionRuns: ...")}), the fact classes its conditions
   * read, through other derived types too (VersionCi from VersionRuns from ModelVersion and
   * TrainingRun).
   */
  static Map<String, Set<Class<? extends Fact>>> derivedFrom(KieBase kieBase) {
    Map<String, Set<Class<? extends Fact>>> direct = new java.util.HashMap<>();
    Map<String, Set<String>> through = new java.util.HashMap<>();
    for (KiePackage kp : kieBase.getKiePackages()) {
      for (Rule rule : kp.getRules()) {
        if (!derives(rule.getMetaData())) {
          continue;
        }
        String type = String.valueOf(rule.getMetaData().get("derives")).split(":", 2)[0].trim();
        direct.computeIfAbsent(type, k -> new HashSet<>()).addAll(factTypes(rule));
        through.computeIfAbsent(type, k -> new HashSet<>()).addAll(derivedTypesRead(rule));
      }
    }
    Map<String, Set<Class<? extends Fact>>> closed = new java.util.HashMap<>();
    for (String type : direct.keySet()) {
      Set<Class<? extends Fact>> types = new HashSet<>();
      Set<String> seen = new HashSet<>();
      java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(List.of(type));
      while (!todo.isEmpty()) {
        String next = todo.pop();
        if (seen.add(next) && direct.containsKey(next)) {
          types.addAll(direct.get(next));
          todo.addAll(through.get(next));
        }
      }
      closed.put(type, Set.copyOf(types));
    }
    return closed;
  }

  /** Simple names of the classes a rule's patterns match that are not facts (derived types, among others). */
  private static Set<String> derivedTypesRead(Rule rule) {
    Set<String> names = new HashSet<>();
    if (rule instanceof RuleImpl impl) {
      nonFactTypes(impl.getLhs(), names);
    }
    return names;
  }

  private static void nonFactTypes(RuleConditionElement element, Set<String> names) {
    if (element == null) {
      return;
    }
    if (element instanceof Pattern pattern) {
      if (pattern.getObjectType() instanceof ClassObjectType cot && cot.getClassType() != null
          && !Fact.class.isAssignableFrom(cot.getClassType())) {
        names.add(cot.getClassType().getSimpleName());
      }
      if (pattern.getSource() != null) {
        nonFactTypes(pattern.getSource(), names);
      }
    }
    for (RuleConditionElement nested : element.getNestedElements()) {
      nonFactTypes(nested, names);
    }
  }

  /** The fact classes a rule's conditions match, read from the compiled rule. */
  @SuppressWarnings("unchecked")
  static Set<Class<? extends Fact>> factTypes(Rule rule) {
    Set<Class<? extends Fact>> types = new HashSet<>();
    if (rule instanceof RuleImpl impl) {
      collect(impl.getLhs(), types);
    }
    return types;
  }

  /** How many patterns of each fact class a rule's conditions have, nested ones included. */
  static Map<Class<? extends Fact>, Integer> patternCounts(Rule rule) {
    Map<Class<? extends Fact>, Integer> counts = new java.util.HashMap<>();
    if (rule instanceof RuleImpl impl) {
      count(impl.getLhs(), counts);
    }
    return counts;
  }

  @SuppressWarnings("unchecked")
  private static void count(RuleConditionElement element, Map<Class<? extends Fact>, Integer> counts) {
    if (element == null) {
      return;
    }
    if (element instanceof Pattern pattern) {
      if (pattern.getObjectType() instanceof ClassObjectType cot && Fact.class.isAssignableFrom(cot.getClassType())) {
        counts.merge((Class<? extends Fact>) cot.getClassType(), 1, Integer::sum);
      }
      // a pattern's source (collect, accumulate) may or may not be among its nested elements: count it once
      if (pattern.getSource() != null && !element.getNestedElements().contains(pattern.getSource())) {
        count(pattern.getSource(), counts);
      }
    }
    for (RuleConditionElement nested : element.getNestedElements()) {
      count(nested, counts);
    }
  }

  @SuppressWarnings("unchecked")
  private static void collect(RuleConditionElement element, Set<Class<? extends Fact>> types) {
    if (element == null) {
      return;
    }
    if (element instanceof Pattern pattern) {
      if (pattern.getObjectType() instanceof ClassObjectType cot && Fact.class.isAssignableFrom(cot.getClassType())) {
        types.add((Class<? extends Fact>) cot.getClassType());
      }
      if (pattern.getSource() != null) {
        collect(pattern.getSource(), types);
      }
    }
    for (RuleConditionElement nested : element.getNestedElements()) {
      collect(nested, types);
    }
  }

  /** "file.drl:line" of a rule's declaration, for messages. */
  private static String locate(Path dir, Map<String, String> sources, String ruleName) {
    String needle = "rule \"" + ruleName + "\"";
    for (var e : sources.entrySet()) {
      int at = e.getValue().indexOf(needle);
      if (at >= 0) {
        int line = (int) e.getValue().substring(0, at).chars().filter(c -> c == '\n').count() + 1;
        return dir.resolve(e.getKey()) + ":" + line;
      }
    }
    return dir.toString();
  }
}
