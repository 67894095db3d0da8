package io.aimsmonitor.web.api;

import io.aimsmonitor.integrity.HashChains;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Tamper evidence: checks the hash chains of finding events, waiver changes and the audit log, and
 * names the first broken link (docs/evidence.md). Reports ids and hashes only, no content.
 */
@RestController
@RequestMapping("/api/integrity")
public class IntegrityController {

  private final HashChains chains;

  public IntegrityController(HashChains chains) {
    this.chains = chains;
  }

  /** Every chain checked now: {@code intact}, and per chain its entries, head hash and first broken link. */
  @GetMapping("/verify")
  public HashChains.Report verify() {
    return chains.verify();
  }
}
