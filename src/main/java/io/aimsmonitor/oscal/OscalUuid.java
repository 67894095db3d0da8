package io.aimsmonitor.oscal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Name-based UUIDs, version 5 (SHA-1, RFC 9562), as OSCAL requires (version 4 or 5): the same
 * control, finding or waiver gets the same UUID in every export, so documents can be compared and
 * cross-referenced over time. {@link UUID#nameUUIDFromBytes} is version 3, which OSCAL refuses.
 */
final class OscalUuid {

  /** The namespace of aims-monitor's names: itself a version 5 UUID of "aims-monitor" in the URL namespace. */
  private static final UUID NAMESPACE = v5(UUID.fromString("6ba7b811-9dad-11d1-80b4-00c04fd430c8"),
      "https://github.com/aims-monitor/aims-monitor");

  private OscalUuid() {}

  static String of(String kind, String name) {
    return v5(NAMESPACE, kind + ":" + name).toString();
  }

  static UUID v5(UUID namespace, String name) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      sha1.update(ByteBuffer.allocate(16).putLong(namespace.getMostSignificantBits())
          .putLong(namespace.getLeastSignificantBits()).array());
      byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
      hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
      hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
      ByteBuffer b = ByteBuffer.wrap(hash, 0, 16);
      return new UUID(b.getLong(), b.getLong());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is not available", e);
    }
  }
}
