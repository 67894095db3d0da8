package io.aimsmonitor.connector.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecretMaskTest {

  @Test
  void masksTheBearerTokenWhereverItIsEchoed() {
    SecretMask mask = SecretMask.of(new String[] {"Authorization", "Bearer dapi0123456789abcdef"});
    assertThat(mask.apply("header was 'Bearer dapi0123456789abcdef', token dapi0123456789abcdef"))
        .isEqualTo("header was '***', token ***");
  }

  @Test
  void masksATruncatedEchoOfAtLeastEightLeadingCharacters() {
    SecretMask mask = SecretMask.of(new String[] {"Authorization", "Bearer dapi0123456789abcdef"});
    assertThat(mask.apply("Unrecognized token 'dapi01234567...'")).isEqualTo("Unrecognized token '***...'");
    assertThat(mask.apply("dapi012 is too short to be an echo")).isEqualTo("dapi012 is too short to be an echo");
  }

  @Test
  void masksBasicCredentialsEncodedDecodedAndThePasswordAlone() {
    String encoded = Base64.getEncoder().encodeToString("svc-aims:Pa55word-xyz".getBytes(StandardCharsets.UTF_8));
    SecretMask mask = SecretMask.of(new String[] {"Authorization", "Basic " + encoded});
    assertThat(mask.apply("got " + encoded + " for svc-aims:Pa55word-xyz; password Pa55word-xyz"))
        .isEqualTo("got *** for ***; password ***");
  }

  @Test
  void masksACustomHeaderValue() {
    SecretMask mask = SecretMask.of(new String[] {"PRIVATE-TOKEN", "glpat-AbCdEfGh12345"});
    assertThat(mask.apply("token glpat-AbCdEfGh12345 expired")).isEqualTo("token *** expired");
  }

  @Test
  void withoutCredentialsTextIsUnchanged() {
    assertThat(SecretMask.of(null).apply("anything at all")).isEqualTo("anything at all");
  }
}
