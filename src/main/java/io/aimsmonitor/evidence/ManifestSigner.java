package io.aimsmonitor.evidence;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Signs an evidence pack's manifest with a configured private key, so an auditor can check with
 * the organisation's public key that the pack is as the service wrote it:
 * {@code openssl dgst -sha256 -verify public.pem -signature manifest.sha256.sig manifest.sha256}
 * (RSA, EC) or {@code openssl pkeyutl -verify -pubin -inkey public.pem -rawin -in manifest.sha256
 * -sigfile manifest.sha256.sig} (Ed25519).
 */
public final class ManifestSigner {

  private final PrivateKey key;
  private final String algorithm;

  private ManifestSigner(PrivateKey key, String algorithm) {
    this.key = key;
    this.algorithm = algorithm;
  }

  /**
   * Reads a PKCS#8 PEM private key. Errors name the file and what is wrong, never the key.
   *
   * @throws IllegalStateException when the file is missing, unreadable or not such a key
   */
  public static ManifestSigner fromFile(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalStateException("aims.evidence.signing-key-file: cannot read " + file + ": " + e.getMessage(), e);
    }
    // PEM: base64 between armour lines; the armour itself is not needed
    String base64 = text.lines().filter(l -> !l.startsWith("-----")).map(String::strip).collect(Collectors.joining());
    byte[] der;
    try {
      der = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("aims.evidence.signing-key-file: " + file + " is not a PEM file", e);
    }
    for (String[] kind : List.of(new String[] {"RSA", "SHA256withRSA"}, new String[] {"EC", "SHA256withECDSA"},
        new String[] {"Ed25519", "Ed25519"})) {
      try {
        return new ManifestSigner(KeyFactory.getInstance(kind[0]).generatePrivate(new PKCS8EncodedKeySpec(der)), kind[1]);
      } catch (GeneralSecurityException e) {
        // try the next kind
      }
    }
    throw new IllegalStateException("aims.evidence.signing-key-file: " + file
        + " is not a PKCS#8 RSA, EC or Ed25519 private key (convert with: openssl pkcs8 -topk8 -nocrypt)");
  }

  public String algorithm() {
    return algorithm;
  }

  public byte[] sign(byte[] data) {
    try {
      Signature s = Signature.getInstance(algorithm);
      s.initSign(key);
      s.update(data);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("signing the evidence pack manifest failed: " + e.getMessage(), e);
    }
  }
}
