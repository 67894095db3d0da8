package io.aimsmonitor.connector.sagemaker;

import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorConfig.HttpSettings;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;

/**
 * Builds the SDK client for one run from the instance's settings: region, optional endpoint
 * override ({@code baseUrl}), the default credential chain (optionally a named profile), the
 * instance's timeouts, and the SDK's standard retry strategy with {@code http.maxRetries} retries.
 * The standard strategy retries throttling errors ({@code ThrottlingException}) with its own,
 * longer throttling backoff, and 5xx and I/O errors; it never retries access errors.
 */
final class SageMakerClients {

  /** Backoff overrides, for tests; null keeps the SDK's defaults. */
  private final BackoffStrategy backoff;

  SageMakerClients(BackoffStrategy backoff) {
    this.backoff = backoff;
  }

  /** A client and the credential provider it uses; closing it closes both. */
  record Opened(SageMakerClient client, DefaultCredentialsProvider credentials) implements AutoCloseable {
    @Override
    public void close() {
      client.close();
      credentials.close();
    }
  }

  Opened open(ConnectorConfig config, SageMakerSettings settings) {
    HttpSettings http = config.http();
    DefaultCredentialsProvider.Builder credentials = DefaultCredentialsProvider.builder();
    if (settings.profile() != null) {
      credentials.profileName(settings.profile());
    }
    DefaultCredentialsProvider provider = credentials.build();
    StandardRetryStrategy.Builder retry = AwsRetryStrategy.standardRetryStrategy().toBuilder()
        .maxAttempts(http.maxRetries() + 1);
    if (backoff != null) {
      retry.backoffStrategy(backoff).throttlingBackoffStrategy(backoff);
    }
    var builder = SageMakerClient.builder()
        .region(Region.of(settings.region()))
        .credentialsProvider(provider)
        .httpClient(UrlConnectionHttpClient.builder()
            .connectionTimeout(http.connectTimeout())
            .socketTimeout(http.requestTimeout())
            .build())
        .overrideConfiguration(o -> o.retryStrategy(retry.build())
            .apiCallAttemptTimeout(http.requestTimeout()));
    if (config.baseUrl() != null) {
      builder.endpointOverride(config.baseUrl());
    }
    return new Opened(builder.build(), provider);
  }
}
