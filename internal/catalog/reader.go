package catalog

// Role is what an account may do. An anonymous reader has no role.
type Role string

// Roles of an account, in increasing order of power.
const (
	RoleNone   Role = ""
	RoleMember Role = "member"
	RoleStaff  Role = "staff"
	RoleAdmin  Role = "admin"
)

// Roles lists the roles an account may hold, in increasing order of power.
var Roles = []Role{RoleMember, RoleStaff, RoleAdmin}

// Valid reports whether r is a role an account may hold.
func (r Role) Valid() bool { return r == RoleMember || r == RoleStaff || r == RoleAdmin }

// Reader is who is reading: the access every read path is given.
type Reader struct {
	UserID int64
	Email  string
	Role   Role
	// Members is true when the reader may read members-only items: staff,
	// admins, and members whose membership has not lapsed.
	Members bool
	// Lapsed is true for a member whose membership end date has passed.
	Lapsed bool
}

// Anonymous is the reader with the least access.
var Anonymous = Reader{}

// System is the reader for command-line maintenance by whoever holds the
// data directory: full access.
var System = Reader{Email: "system", Role: RoleAdmin, Members: true}

// IsStaff reports whether the reader may curate.
func (r Reader) IsStaff() bool { return r.Role == RoleStaff || r.Role == RoleAdmin }

// IsAdmin reports whether the reader administers the library.
func (r Reader) IsAdmin() bool { return r.Role == RoleAdmin }

// ValidRole reports whether s names a role an account may hold.
func ValidRole(s string) bool { return Role(s).Valid() }
