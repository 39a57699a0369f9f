package blog

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is what a user may do in the admin.
type Role string

// Roles: the owner runs the site, an editor edits anyone's posts, an author
// writes their own.
const (
	RoleOwner  Role = "owner"
	RoleEditor Role = "editor"
	RoleAuthor Role = "author"
)

// ValidRole reports whether r is a known role.
func ValidRole(r Role) bool {
	return r == RoleOwner || r == RoleEditor || r == RoleAuthor
}

// User is someone who can log in to the admin.
type User struct {
	ID           int64
	Email        string
	Name         string
	Login        string // slug used in /author/LOGIN/
	Role         Role
	PasswordHash string
	CreatedAt    time.Time
	// SessionEpoch is the user's credential generation: a password change
	// or "Log out everywhere else" advances it, and sessions and
	// known-device cookies made under an older one stop counting.
	SessionEpoch int64
}

// CanEditOthers reports whether u may edit posts written by someone else.
func (u *User) CanEditOthers() bool { return u.Role == RoleOwner || u.Role == RoleEditor }

// CanManageSite reports whether u may change settings and users.
func (u *User) CanManageSite() bool { return u.Role == RoleOwner }

// MinPasswordLen is the shortest password Quire accepts.
const MinPasswordLen = 10

// NormalizeEmail trims and lower-cases an email address.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidEmail reports whether s looks like a deliverable address.
func ValidEmail(s string) bool {
	if len(s) > 254 || strings.ContainsAny(s, " \t\r\n<>") {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndex(s, "@"):], ".")
}

// ValidateNewUser checks the fields of an account being created, with the
// plain password, and reports every problem.
func ValidateNewUser(u *User, password string) error {
	fe := FieldErrors{}
	if strings.TrimSpace(u.Name) == "" {
		fe.Add("name", "Enter a name.")
	} else if utf8.RuneCountInString(u.Name) > 100 {
		fe.Add("name", "The name is longer than 100 characters.")
	}
	if !ValidEmail(u.Email) {
		fe.Add("email", "Enter a valid email address, like name@example.com.")
	}
	if !ValidRole(u.Role) {
		fe.Add("role", "Choose owner, editor or author.")
	}
	if msg := PasswordProblem(password); msg != "" {
		fe.Add("password", msg)
	}
	return fe.Err()
}

// PasswordProblem explains why password is unacceptable, or returns "".
func PasswordProblem(password string) string {
	if utf8.RuneCountInString(password) < MinPasswordLen {
		return "Use a password of at least 10 characters."
	}
	if len(password) > 1024 {
		return "The password is longer than 1024 bytes."
	}
	return ""
}
