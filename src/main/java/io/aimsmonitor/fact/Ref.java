package io.aimsmonitor.fact;

/**
 * A reference to an object in another system, qualified by the namespace it lives in: the
 * tracking server, account or workspace that gave the id its meaning. Ids are only unique within
 * their namespace (two MLflow servers both have a run {@code 9bf2c26d...}), so rules join on the
 * whole reference, never on the id alone:
 * <pre>
 * $run : TrainingRun( ref == $m.sourceRun )
 * </pre>
 *
 * @param namespace where the id lives, e.g. {@code mlflow:https://mlflow.acme.example}; see docs/facts.md
 * @param id the id within that namespace
 */
public record Ref(String namespace, String id) {

  /** The reference, or null when the id is missing or blank (a reference to nothing joins nothing). */
  public static Ref of(String namespace, String id) {
    return id == null || id.isBlank() ? null : new Ref(namespace, id.strip());
  }

  @Override
  public String toString() {
    return namespace + "/" + id;
  }
}
