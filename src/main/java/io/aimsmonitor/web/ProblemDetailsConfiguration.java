package io.aimsmonitor.web;

import org.apache.catalina.core.StandardHost;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * RFC 9457 problem details for the errors no controller answers: those Tomcat answers itself
 * ({@link ProblemErrorReportValve}) and those forwarded to {@code /error} ({@link ProblemErrorController}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(TomcatServletWebServerFactory.class)
public class ProblemDetailsConfiguration {

  @Bean
  WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemDetailErrorReports() {
    return factory -> factory.addContextCustomizers(context -> {
      if (context.getParent() instanceof StandardHost host) {
        host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
      }
    });
  }
}
