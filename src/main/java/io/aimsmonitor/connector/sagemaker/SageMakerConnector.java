package io.aimsmonitor.connector.sagemaker;

import io.aimsmonitor.connector.CollectContext;
import io.aimsmonitor.connector.Connector;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorException;
import io.aimsmonitor.connector.PageGuard;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.DescribeModelPackageResponse;
import software.amazon.awssdk.services.sagemaker.model.ListModelPackageGroupsResponse;
import software.amazon.awssdk.services.sagemaker.model.ListModelPackagesResponse;
import software.amazon.awssdk.services.sagemaker.model.ModelPackageGroupSummary;
import software.amazon.awssdk.services.sagemaker.model.ModelPackageSummary;
import software.amazon.awssdk.services.sagemaker.model.SortOrder;

/**
 * Lists the model package groups (or reads the configured ones), the packages of each group, and
 * describes every package. Production: a package's own stage (lifecycle stage or customer
 * metadata {@code stage}) is believed first; in a group where no package records a stage, the
 * newest approved package gets alias {@code prod}, as in SageMaker Projects' MLOps templates,
 * where approving a package is what deploys it.
 */
final class SageMakerConnector implements Connector {

  /** Error codes that mean the credentials are missing, wrong or not allowed: retrying cannot help. */
  private static final Set<String> AUTH_CODES = Set.of("AccessDeniedException", "AccessDenied",
      "UnrecognizedClientException", "InvalidClientTokenId", "InvalidSignatureException", "SignatureDoesNotMatch",
      "ExpiredTokenException", "ExpiredToken", "MissingAuthenticationTokenException", "IncompleteSignature",
      "NotAuthorized");

  private final ConnectorConfig config;
  private final SageMakerSettings settings;
  private final SageMakerClients clients;
  private final SageMakerMapping mapping;

  SageMakerConnector(ConnectorConfig config, SageMakerSettings settings) {
    this(config, settings, new SageMakerClients(null));
  }

  SageMakerConnector(ConnectorConfig config, SageMakerSettings settings, SageMakerClients clients) {
    this.config = config;
    this.settings = settings;
    this.clients = clients;
    this.mapping = new SageMakerMapping(config.id(),
        Boolean.TRUE.equals(config.options().get(io.aimsmonitor.connector.registry.Conventions.REGISTERED_BY_IS_OWNER)));
  }

  @Override
  public void collect(CollectContext context) throws Exception {
    Instant now = context.clock().instant();
    try (SageMakerClients.Opened opened = clients.open(config, settings)) {
      SageMakerClient client = opened.client();
      List<String> groups = new ArrayList<>(settings.groups());
      if (groups.isEmpty()) {
        listAll(context, "model package groups", "ListModelPackageGroups",
            token -> client.listModelPackageGroups(r -> r.maxResults(settings.pageSize()).nextToken(token)),
            ListModelPackageGroupsResponse::nextToken, ListModelPackageGroupsResponse::modelPackageGroupSummaryList,
            (ModelPackageGroupSummary g) -> groups.add(g.modelPackageGroupName()));
      }
      for (String group : groups) {
        List<ModelPackageSummary> summaries = new ArrayList<>();
        listAll(context, "model packages of " + group, "ListModelPackages",
            token -> client.listModelPackages(r -> r.modelPackageGroupName(group).maxResults(settings.pageSize())
                .sortBy("CreationTime").sortOrder(SortOrder.ASCENDING).nextToken(token)),
            ListModelPackagesResponse::nextToken, ListModelPackagesResponse::modelPackageSummaryList, summaries::add);
        List<DescribeModelPackageResponse> packages = new ArrayList<>();
        for (ModelPackageSummary summary : summaries) {
          context.cancellation().check();
          String name = summary.modelPackageArn() != null ? summary.modelPackageArn() : summary.modelPackageName();
          packages.add(call("DescribeModelPackage", () -> client.describeModelPackage(r -> r.modelPackageName(name))));
          context.progress().items(1);
        }
        String production = conventionalProduction(packages);
        for (DescribeModelPackageResponse p : packages) {
          List<String> aliases = p.modelPackageArn() != null && p.modelPackageArn().equals(production)
              ? List.of("prod") : List.of();
          context.sink().accept(mapping.toFact(p, aliases, now));
        }
      }
    }
  }

  /**
   * The ARN of the newest approved package when the convention applies to this group (enabled,
   * and no package records a stage of its own), else null.
   */
  private String conventionalProduction(List<DescribeModelPackageResponse> packages) {
    if (!settings.latestApprovedIsProduction()
        || packages.stream().anyMatch(p -> SageMakerMapping.recordedStage(p) != null)) {
      return null;
    }
    return packages.stream()
        .filter(p -> "Approved".equals(p.modelApprovalStatusAsString()))
        .max(Comparator.comparing((DescribeModelPackageResponse p) ->
                p.modelPackageVersion() == null ? Integer.MIN_VALUE : p.modelPackageVersion())
            .thenComparing(p -> p.creationTime() == null ? Instant.MIN : p.creationTime()))
        .map(DescribeModelPackageResponse::modelPackageArn)
        .orElse(null);
  }

  /** Reads every page of a {@code NextToken}-paged operation; an absent or empty token ends it. */
  private <R, T> void listAll(CollectContext context, String listing, String operation, Function<String, R> page,
      Function<R, String> nextToken, Function<R, List<T>> items, Consumer<T> each)
      throws ConnectorException, InterruptedException {
    PageGuard guard = new PageGuard(context, listing);
    String token = null;
    do {
      guard.beforePage(token);
      String current = token;
      R response = call(operation, () -> page.apply(current));
      List<T> list = items.apply(response);
      list.forEach(each);
      guard.afterPage(list.size());
      token = nextToken.apply(response);
    } while (token != null && !token.isEmpty());
  }

  /** Runs one SDK call (the SDK has already retried what is retryable) and names what failed. */
  private <T> T call(String operation, Supplier<T> call) throws ConnectorException, InterruptedException {
    try {
      return call.get();
    } catch (AwsServiceException e) {
      String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
      String message = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
      int status = e.statusCode();
      String reason = AUTH_CODES.contains(code) || status == 401 || status == 403 ? "auth"
          : e.isThrottlingException() ? "rate_limited"
          : status >= 500 ? "http_5xx"
          : "ResourceNotFound".equals(code) ? "not_found"
          : "http_4xx";
      throw new ConnectorException(reason, prefix() + operation + " failed: " + (code == null ? "" : code + " ")
          + "(HTTP " + status + ")" + (message == null ? "" : ": " + message)
          + ("auth".equals(reason) ? " (credentials from the AWS default credential chain"
              + (settings.profile() == null ? "" : ", profile " + settings.profile()) + ")" : ""), e);
    } catch (SdkClientException e) {
      if (isInterrupt(e)) {
        Thread.currentThread().interrupt();
        throw new InterruptedException("collection cancelled during " + operation);
      }
      throw new ConnectorException(clientFailureReason(e), prefix() + operation + " failed: " + describe(e), e);
    }
  }

  /**
   * The SDK reports client-side failures as one exception type; the reason is in its causes or,
   * for missing credentials and unreadable responses, only in its message.
   */
  private static String clientFailureReason(SdkClientException e) {
    String message = String.valueOf(e.getMessage());
    if (message.contains("Unable to load credentials")) {
      return "auth";
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ApiCallAttemptTimeoutException || t instanceof ApiCallTimeoutException
          || t instanceof SocketTimeoutException) {
        return "timeout";
      }
      if (t.getClass().getName().contains("JsonParseException") || String.valueOf(t.getMessage()).contains("unmarshall")) {
        return "malformed";
      }
    }
    return "connection";
  }

  private static boolean isInterrupt(SdkException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InterruptedException
          || (t instanceof InterruptedIOException && !(t instanceof SocketTimeoutException))) {
        return true;
      }
    }
    return false;
  }

  /** The exception's own message plus its root cause, without the SDK's long retry trailer. */
  private static String describe(SdkClientException e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = String.valueOf(e.getMessage()).replaceAll("\\s+", " ");
    return root == e ? message : message + " (" + root.getClass().getSimpleName()
        + (root.getMessage() == null ? "" : ": " + root.getMessage()) + ")";
  }

  private String prefix() {
    String endpoint = config.baseUrl() != null ? config.baseUrl().toString()
        : "https://api.sagemaker." + settings.region() + ".amazonaws.com";
    return "connector '" + config.id() + "': SageMaker " + endpoint + " ";
  }
}
