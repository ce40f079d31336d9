-- Keys the server derives values from (HMAC), made once per deployment and shared by every
-- instance; never sent anywhere. Only the platform role reads them.
CREATE TABLE server_secrets (
  name       text PRIMARY KEY,
  secret     text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON server_secrets FROM PUBLIC;
GRANT SELECT, INSERT ON server_secrets TO br_platform;
