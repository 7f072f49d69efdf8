package main

import (
	"context"
	"fmt"
	"os"

	"safelib/internal/auth"
	"safelib/internal/catalog"
	"safelib/internal/library"
	"safelib/internal/store"
)

// firstAdmin creates the first admin of a library with no accounts from
// SAFELIB_ADMIN_EMAIL, with SAFELIB_ADMIN_PASSWORD when set; without a
// password it logs a one-time link to set one (printed once: a later start
// finds an account and does nothing). With accounts already there, or no
// SAFELIB_ADMIN_EMAIL, it does nothing.
func (a *app) firstAdmin(ctx context.Context, st *store.Store, au *auth.Auth) error {
	email := os.Getenv("SAFELIB_ADMIN_EMAIL")
	if email == "" {
		return nil
	}
	n, err := st.CountUsers(ctx, "")
	if err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	pw := os.Getenv("SAFELIB_ADMIN_PASSWORD")
	u, err := au.AddUser(ctx, auth.System, auth.NewUser{Email: email, Role: catalog.RoleAdmin, Password: pw})
	if err != nil {
		return fmt.Errorf("SAFELIB_ADMIN_EMAIL: create the first admin: %w", err)
	}
	if pw != "" {
		a.log.Info("created the first admin from SAFELIB_ADMIN_EMAIL and SAFELIB_ADMIN_PASSWORD", "email", u.Email)
		return nil
	}
	tok, exp, err := au.IssueReset(ctx, auth.System, u.Email)
	if err != nil {
		return fmt.Errorf("SAFELIB_ADMIN_EMAIL: link for the first admin: %w", err)
	}
	a.log.Warn("created the first admin from SAFELIB_ADMIN_EMAIL; open this one-time link to set a password (it is not shown again)",
		"email", u.Email, "link", auth.ResetLink(a.cfg.PublicURL(), tok), "valid_until", exp.UTC().Format("2006-01-02 15:04 UTC"))
	return nil
}

// dropMigrationBackups removes the copies older starts made before
// migrating, once this start has worked; the copy this start made stays
// until the next one.
func (a *app) dropMigrationBackups(h *library.Handle) {
	keep := h.Store().MigrationBackup()
	if keep != "" {
		a.log.Info("the database was backed up before migrating; the copy is kept until the next successful start", "backup", keep)
	}
	removed, err := store.RemoveMigrationBackups(h.Dir(), keep)
	if err != nil {
		a.log.Warn("remove old pre-migration backups", "err", err)
	}
	for _, r := range removed {
		a.log.Info("removed the pre-migration backup of an earlier start", "backup", r)
	}
}
