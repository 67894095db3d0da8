# syntax=docker/dockerfile:1
#
# aims-monitor image: docker build -t aims-monitor .
# See docs/deployment.md for running it and for the Helm chart.

# ---- build: the Maven wrapper on a JDK (the bytecode targets Java 17) -------------------------
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
# Wrapper and POM first, so that the dependency download is cached until pom.xml changes.
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q dependency:go-offline
# rules/ and connectors/ are bundled into the jar by the POM as well, so they are needed here.
COPY src src
COPY rules rules
COPY connectors connectors
# Tests run in CI (they need promtool, prometheus and more); the image build only packages.
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -DskipTests package \
 && java -Djarmode=tools -jar target/aims-monitor.jar extract --layers --destination /extracted

# ---- run: JRE 17, non-root ---------------------------------------------------------------------
FROM eclipse-temurin:17-jre
# A fixed numeric user, so that Kubernetes' runAsNonRoot can verify it and volume ownership
# (fsGroup) matches the chart's podSecurityContext.
RUN groupadd --system --gid 10001 aims \
 && useradd --system --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home \
      --shell /usr/sbin/nologin aims \
 && mkdir -p /etc/aims /var/lib/aims \
 && chown 10001:10001 /var/lib/aims
WORKDIR /opt/aims-monitor
# One layer per Spring Boot layer: dependencies change far less often than the application.
COPY --from=build /extracted/dependencies/ ./
COPY --from=build /extracted/spring-boot-loader/ ./
COPY --from=build /extracted/snapshot-dependencies/ ./
COPY --from=build /extracted/application/ ./
# Default rule packs and connector instances (the demo); the Helm chart mounts others over them.
# Owned by root and read-only for the service user: configuration is not the service's to change.
COPY rules /etc/aims/rules
COPY connectors /etc/aims/connectors

# AIMS_RULES_CACHE_DIR: compiled rule packs, kept on the data volume (the user has no home folder),
# so that a restart loads them instead of compiling them (docs/cli.md, "Fast start").
# SERVER_ADDRESS: a container must listen on all its interfaces to be reachable through its
# published port; the jar's own default is 127.0.0.1 (docs/security.md).
ENV AIMS_RULES_DIR=/etc/aims/rules \
    AIMS_CONNECTORS_DIR=/etc/aims/connectors \
    AIMS_DATA_DIR=/var/lib/aims \
    AIMS_RULES_CACHE_DIR=/var/lib/aims/compiled-packs \
    SERVER_PORT=8080 \
    SERVER_ADDRESS=0.0.0.0 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=70 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp"
# The H2 database (default) lives here; mount a volume to keep it.
VOLUME ["/var/lib/aims"]
USER 10001:10001
EXPOSE 8080
# No HEALTHCHECK: orchestrators probe /actuator/health/liveness and /readiness directly (the Helm
# chart does), and the JRE image has no HTTP client to run one with.
ENTRYPOINT ["java", "-jar", "/opt/aims-monitor/aims-monitor.jar"]
CMD ["serve"]
