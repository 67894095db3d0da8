package io.aimsmonitor.connector.huggingface;

import io.aimsmonitor.connector.ConfigException;
import io.aimsmonitor.connector.Connector;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.registry.ModelRegistryType;
import io.aimsmonitor.connector.registry.Options;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code type: huggingface}: third-party and own models on the Hugging Face Hub (control A.10.3).
 * See docs/connectors.md for the mapping.
 *
 * <pre>
 * baseUrl: https://huggingface.co
 * auth: {type: bearer, tokenEnv: HF_TOKEN}          # optional: private and gated repos
 * options:
 *   organization: acme                               # every model of this author/org, and/or
 *   models: [meta-llama/Llama-3.1-8B-Instruct]       # these model ids
 *   pinnedRevisions:                                 # the revision actually deployed (read at that revision)
 *     mistralai/Mistral-7B-Instruct-v0.3: e0bc86c23ce5aae1db576c8cca6f06f1f73af2db
 *   production: [meta-llama/Llama-3.1-8B-Instruct]   # ids serving production: alias "prod"
 *   pageSize: 100                                    # optional, 1..1000
 * </pre>
 */
public final class HuggingFaceConnectorType extends ModelRegistryType {

  static final String NAME = "huggingface";

  /** Hub repo ids: an optional owner and a name of letters, digits, '-', '_' and '.'. */
  private static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?");

  public HuggingFaceConnectorType() {
    super(NAME);
  }

  @Override
  public Connector create(ConnectorConfig config) throws ConfigException {
    Options options = new Options(config,
        Set.of("organization", "models", "pinnedRevisions", "production", "pageSize"));
    options.requireBaseUrl("https://huggingface.co");
    options.allowAuth(Set.of("none", "bearer"));
    String organization = options.string("organization", false);
    Set<String> models = new LinkedHashSet<>(options.stringList("models"));
    Map<String, String> pinned = options.stringMap("pinnedRevisions");
    Set<String> production = new LinkedHashSet<>(options.stringList("production"));
    int pageSize = options.integer("pageSize", 100, 1, 1000);
    if (organization == null && models.isEmpty() && pinned.isEmpty()) {
      options.problem("options.organization", "is required unless options.models or options.pinnedRevisions "
          + "names the models to read");
    }
    if (organization != null && (organization.contains("/") || !MODEL_ID.matcher(organization).matches())) {
      options.problem("options.organization", "'" + organization + "' is not a Hub user or organization name");
    }
    for (String id : models) {
      checkId(options, "options.models", id);
    }
    pinned.keySet().forEach(id -> checkId(options, "options.pinnedRevisions", id));
    production.forEach(id -> checkId(options, "options.production", id));
    options.check();
    return new HuggingFaceConnector(config, organization, models, pinned, production, pageSize);
  }

  private static void checkId(Options options, String key, String id) {
    if (!MODEL_ID.matcher(id).matches()) {
      options.problem(key, "'" + id + "' is not a Hub model id such as owner/name");
    }
  }
}
