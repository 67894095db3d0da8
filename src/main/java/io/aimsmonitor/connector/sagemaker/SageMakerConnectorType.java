package io.aimsmonitor.connector.sagemaker;

import io.aimsmonitor.connector.ConfigException;
import io.aimsmonitor.connector.Connector;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.registry.ModelRegistryType;
import io.aimsmonitor.connector.registry.Conventions;
import io.aimsmonitor.connector.registry.Options;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code type: sagemaker}: model packages of the Amazon SageMaker Model Registry, through the AWS
 * SDK for Java v2 (SigV4, default credential chain, SDK retries with throttling backoff). See
 * docs/connectors.md for the mapping.
 *
 * <pre>
 * auth: {type: aws}                  # the default credential chain; may be omitted
 * baseUrl: https://api.sagemaker.eu-west-1.amazonaws.com   # optional endpoint override (VPC endpoint, tests)
 * options:
 *   region: eu-west-1                # required
 *   groups: [fraud-detector]         # optional: only these model package groups (default: all)
 *   profile: compliance-reader       # optional: named profile for the credential chain
 *   latestApprovedIsProduction: true # optional, default true; see docs
 *   pageSize: 100                    # optional, 1..100
 * </pre>
 */
public final class SageMakerConnectorType extends ModelRegistryType {

  static final String NAME = "sagemaker";
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z0-9]+)+-\\d+");

  public SageMakerConnectorType() {
    super(NAME);
  }

  @Override
  public Connector create(ConnectorConfig config) throws ConfigException {
    Options options = new Options(config, Set.of("region", "groups", "profile", "latestApprovedIsProduction",
        "pageSize", Conventions.REGISTERED_BY_IS_OWNER));
    options.bool(Conventions.REGISTERED_BY_IS_OWNER, false);
    // "none" is what an omitted auth block reads as; both mean the SDK's default credential chain.
    options.allowAuth(Set.of("aws", "none"));
    String region = options.string("region", true);
    if (region != null && !REGION.matcher(region).matches()) {
      options.problem("options.region", "'" + region + "' is not an AWS region such as eu-west-1");
    }
    SageMakerSettings settings = new SageMakerSettings(region, options.stringList("groups"),
        options.string("profile", false), options.bool("latestApprovedIsProduction", true),
        options.integer("pageSize", 100, 1, 100));
    options.check();
    return new SageMakerConnector(config, settings);
  }
}
