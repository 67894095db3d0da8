package io.aimsmonitor.notify;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The webhook signature: HMAC-SHA256 with the receiver's secret over {@code <timestamp>.<body>},
 * sent as {@code X-Aims-Signature: v1=<hex>} beside {@code X-Aims-Timestamp: <unix seconds>}.
 * The timestamp is signed, so a receiver that refuses old timestamps refuses replays.
 */
public final class Signature {

  public static final String SIGNATURE_HEADER = "X-Aims-Signature";
  public static final String TIMESTAMP_HEADER = "X-Aims-Timestamp";
  public static final String DELIVERY_HEADER = "X-Aims-Delivery";
  public static final String EVENT_HEADER = "X-Aims-Event";

  private Signature() {}

  public static String sign(byte[] secret, long timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return "v1=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    }
  }

  /** What a receiver does: recompute and compare in constant time. */
  public static boolean verify(byte[] secret, long timestamp, byte[] body, String header) {
    return header != null && MessageDigest.isEqual(sign(secret, timestamp, body).getBytes(StandardCharsets.UTF_8),
        header.getBytes(StandardCharsets.UTF_8));
  }
}
