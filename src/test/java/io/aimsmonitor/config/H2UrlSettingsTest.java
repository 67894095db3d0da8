package io.aimsmonitor.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.core.io.ClassPathResource;

/**
 * {@link DatabaseDefaults#H2_URL_SETTINGS} are the settings of application.yaml's H2 URL, so that
 * the benchmarks, which open H2 with them, measure the database the application opens.
 */
class H2UrlSettingsTest {

  @Test
  void applicationYamlsUrlCarriesTheSettings() {
    YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
    yaml.setResources(new ClassPathResource("application.yaml"));
    Properties properties = yaml.getObject();
    assertThat(properties.getProperty("spring.datasource.url"))
        .isEqualTo("jdbc:h2:file:${aims.data-dir}/aims" + DatabaseDefaults.H2_URL_SETTINGS);
  }
}
