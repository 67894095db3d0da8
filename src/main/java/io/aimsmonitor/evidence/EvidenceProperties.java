package io.aimsmonitor.evidence;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the evidence pack, {@code aims.evidence.*} (docs/evidence.md).
 *
 * @param signingKeyFile a PKCS#8 private key (PEM; RSA, EC or Ed25519) that signs each pack's
 *     manifest; unset: packs are not signed. Set it from the environment
 *     ({@code AIMS_EVIDENCE_SIGNING_KEY_FILE}) or a mounted secret, never in the repository.
 */
@ConfigurationProperties("aims.evidence")
public record EvidenceProperties(Path signingKeyFile) {}
