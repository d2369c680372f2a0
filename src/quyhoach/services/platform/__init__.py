"""Platform: background jobs, the audit log, users and sign-in, backups and the data stamp."""
