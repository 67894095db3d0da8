-- Waiver-expiry notices already planned (docs/notifications.md): one row per waiver, lead time and
-- expiry, written in the planner's locked transaction, so a notice is planned once per cluster and
-- not rebuilt at every poll while the waiver stays inside its notice window.
CREATE TABLE notification_waiver_notice (
  notice_key  VARCHAR(400)  PRIMARY KEY,
  planned_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
