package io.aimsmonitor.web.security;

import io.aimsmonitor.audit.AuditLog;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;

/**
 * At the first start of the service (no local user yet), creates the user {@code admin} with the
 * password from {@code aims.security.admin-password} (environment {@code AIMS_SECURITY_ADMIN_PASSWORD}),
 * or with a generated one that is printed this once. Only its hash is stored; later starts find a
 * user and print nothing.
 */
@Component
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class AdminBootstrap implements SmartInitializingSingleton {

  private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);

  private final LocalUsers users;
  private final SecurityProperties props;
  private final AuditLog audit;

  AdminBootstrap(LocalUsers users, SecurityProperties props, AuditLog audit) {
    this.users = users;
    this.props = props;
    this.audit = audit;
  }

  @Override
  public void afterSingletonsInstantiated() {
    if (!props.localUsers() || !users.isEmpty()) {
      return;
    }
    boolean generated = props.adminPassword() == null || props.adminPassword().isBlank();
    String password = generated ? LocalUsers.generatePassword() : props.adminPassword();
    if (password.length() < LocalUsers.MIN_PASSWORD_LENGTH) {
      throw new IllegalStateException("aims.security.admin-password (AIMS_SECURITY_ADMIN_PASSWORD) needs at least "
          + LocalUsers.MIN_PASSWORD_LENGTH + " characters");
    }
    try {
      LocalUsers.UserView admin = users.create(LocalUsers.FIRST_ADMIN, Role.ADMIN, password);
      audit.record("user.create", admin.username(), null, Map.of("user", admin, "firstStart", true));
    } catch (DuplicateKeyException | IllegalStateException anotherReplicaWasFirst) {
      return; // another replica created it at the same moment, and printed its password
    }
    if (generated) {
      // Printed once, to the console rather than through the logging system (whose appenders may
      // keep files or ship lines elsewhere): only the hash is stored, and no later start prints it.
      System.out.printf("%n"
          + "First start: created the admin user '%s' with this generated password (shown only now):%n%n"
          + "    %s%n%n"
          + "Log in at /login, or call the API with it (HTTP Basic), and create users and API tokens%n"
          + "(docs/security.md). Set AIMS_SECURITY_ADMIN_PASSWORD before the first start to choose it.%n%n",
          LocalUsers.FIRST_ADMIN, password);
      System.out.flush();
      log.info("First start: created the admin user '{}'; its generated password was printed on the console",
          LocalUsers.FIRST_ADMIN);
    } else {
      log.info("First start: created the admin user '{}' with the password from aims.security.admin-password",
          LocalUsers.FIRST_ADMIN);
    }
  }
}
