package io.aimsmonitor.web.api;

import io.aimsmonitor.audit.AuditLog;
import io.aimsmonitor.web.security.LocalUsers;
import io.aimsmonitor.web.security.LocalUsers.UserView;
import io.aimsmonitor.web.security.Role;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Local users (admin). Passwords are accepted, or generated and shown once; never returned later. */
@RestController
@RequestMapping("/api/users")
public class UsersController {

  private final LocalUsers users;
  private final AuditLog audit;

  public UsersController(LocalUsers users, AuditLog audit) {
    this.users = users;
    this.audit = audit;
  }

  /** A new user: {@code password} is optional (generated and returned once when absent). */
  public record NewUser(String username, String role, String password) {}

  /** Changes; a field left out stays as it is. */
  public record UserChange(String role, Boolean enabled, String password) {}

  @GetMapping
  public List<UserView> list() {
    return users.list();
  }

  @GetMapping("/{username}")
  public UserView get(@PathVariable String username) {
    return users.find(username).orElseThrow(() -> new NoSuchElementException("no user '" + username + "'"));
  }

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  public Map<String, Object> create(@RequestBody NewUser request) {
    boolean generate = request.password() == null;
    String password = generate ? LocalUsers.generatePassword() : request.password();
    UserView user = users.create(request.username(), Role.parse(request.role()), password);
    audit.record("user.create", user.username(), null, user);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("user", user);
    if (generate) {
      body.put("password", password);
      body.put("note", "the generated password is shown only in this response");
    }
    return body;
  }

  @PatchMapping("/{username}")
  public UserView update(@PathVariable String username, @RequestBody UserChange change) {
    UserView before = get(username);
    UserView after = users.update(username, change.role() == null ? null : Role.parse(change.role()),
        change.enabled(), change.password());
    audit.record(change.password() != null ? "user.update-password" : "user.update", username, before, after);
    return after;
  }

  @DeleteMapping("/{username}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  public void delete(@PathVariable String username) {
    audit.record("user.delete", username, users.delete(username), null);
  }
}
